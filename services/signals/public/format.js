// Display formatting only: the exact decimal strings stay what the services sent.

/** A price with as many decimals as its size needs (4 below 10, 2 above). */
export function price(x) {
  if (x === undefined || x === null || !Number.isFinite(Number(x))) return '—';
  const n = Number(x);
  return n.toLocaleString('en-US', {
    minimumFractionDigits: Math.abs(n) < 10 ? 4 : 2,
    maximumFractionDigits: Math.abs(n) < 10 ? 4 : 2,
  });
}

/** Money from a decimal string, two decimals, with thousands separators. */
export function money(s) {
  if (s === undefined || s === null) return '—';
  const n = Number(s);
  if (!Number.isFinite(n)) return String(s);
  return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function percent(x) {
  if (!Number.isFinite(x)) return '—';
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%`;
}

export function count(n) {
  if (n === undefined || n === null || !Number.isFinite(n)) return '—';
  return Math.round(n).toLocaleString('en-US');
}

/** 'up' / 'down' / '' for colouring a signed figure. */
export function sign(x) {
  const n = Number(x);
  return n > 0 ? 'up' : n < 0 ? 'down' : '';
}

/** Milliseconds as a short age: 120 ms, 3.4 s, 5 min. */
export function age(ms) {
  if (ms === null || ms === undefined) return 'never';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
