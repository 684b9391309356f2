/** Renders `[label, text, className?]` rows into a <dl>. */
export function renderFigures(dl, rows) {
  dl.replaceChildren(
    ...rows.flatMap(([label, text, cls]) => {
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      dd.textContent = text;
      if (cls) dd.className = cls;
      return [dt, dd];
    }),
  );
}

/** Renders rows of cell texts into a <tbody>; a cell may be `[text, className]`. */
export function renderRows(tbody, rows) {
  tbody.replaceChildren(
    ...rows.map((cells) => {
      const tr = document.createElement('tr');
      for (const cell of cells) {
        const td = document.createElement('td');
        const [text, cls] = Array.isArray(cell) ? cell : [cell, ''];
        td.textContent = text;
        if (cls) td.className = cls;
        tr.append(td);
      }
      return tr;
    }),
  );
}

export function setBadge(el, text, cls) {
  el.textContent = text;
  el.className = `badge ${cls}`;
}

/** Calls `fn` now and then every `ms` after it settles; skipped while the tab is hidden. */
export function poll(fn, ms) {
  const tick = async () => {
    if (!document.hidden) {
      try {
        await fn();
      } catch {
        // the panel shows its own error state; try again next time
      }
    }
    setTimeout(tick, ms);
  };
  void tick();
}
