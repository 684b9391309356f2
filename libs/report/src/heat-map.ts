import { escapeHtml as esc } from './escape.ts';

/**
 * A heat map as inline SVG: one cell per (x, y) value of two parameters, coloured by its number —
 * red below zero, white at zero, green above when the values straddle zero (P&L, Sharpe), else a
 * light-to-dark blue ramp. A cell without a value (null) is grey and says "n/a". Each cell carries
 * its value as text when it fits, and in a <title> (the tooltip) always.
 */
export interface HeatMap {
  id: string;
  title: string;
  /** Axis names (the parameters) and their values' labels, in order. */
  xName: string;
  yName: string;
  xs: string[];
  ys: string[];
  /** cells[row][column]: the value at (xs[column], ys[row]). */
  cells: (number | null)[][];
  /** Formats a cell's value. */
  value: (v: number) => string;
}

const W = 880;
const PAD = { left: 110, right: 16, top: 40, bottom: 44 };
const MAX_ROW = 36;

const mix = (a: number, b: number, t: number) => Math.round(a + (b - a) * t);
const rgb = (from: [number, number, number], to: [number, number, number], t: number) =>
  `rgb(${mix(from[0], to[0], t)},${mix(from[1], to[1], t)},${mix(from[2], to[2], t)})`;
const WHITE: [number, number, number] = [255, 255, 255];
const GREEN: [number, number, number] = [26, 127, 55];
const RED: [number, number, number] = [207, 34, 46];
const PALE: [number, number, number] = [221, 244, 255];
const BLUE: [number, number, number] = [9, 105, 218];

/** The fill of a value, given the range of all values. */
export function heatColour(v: number | null, lo: number, hi: number): string {
  if (v === null || !Number.isFinite(v)) return '#d0d7de';
  if (lo < 0 && hi > 0) return v >= 0 ? rgb(WHITE, GREEN, v / hi) : rgb(WHITE, RED, v / lo);
  return hi === lo ? rgb(PALE, BLUE, 0.5) : rgb(PALE, BLUE, (v - lo) / (hi - lo));
}

/** White text on a dark cell, dark text on a light one (relative luminance of the fill). */
export function textOn(fill: string): string {
  const m = /^rgb\((\d+),(\d+),(\d+)\)$/.exec(fill);
  if (!m) return '#1f2328';
  const [r, g, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 < 0.5 ? '#ffffff' : '#1f2328';
}

export function heatMap(o: HeatMap): string {
  const head = `<figure class="chart"><figcaption>${esc(o.title)}</figcaption>`;
  if (o.xs.length === 0 || o.ys.length === 0) return `${head}<p class="meta">no data</p></figure>`;
  const values = o.cells.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 0;
  const cw = (W - PAD.left - PAD.right) / o.xs.length;
  const ch = Math.min(MAX_ROW, Math.max(16, 320 / o.ys.length));
  const height = PAD.top + ch * o.ys.length + PAD.bottom;
  const out = [
    head,
    `<svg data-chart="${esc(o.id)}" viewBox="0 0 ${W} ${height.toFixed(0)}" width="100%" role="img" aria-label="${esc(o.title)}">`,
    `<text x="${PAD.left}" y="${PAD.top - 24}" class="axis">${esc(o.yName)} ↓ · ${esc(o.xName)} →</text>`,
  ];
  o.xs.forEach((x, i) => {
    out.push(
      `<text x="${(PAD.left + (i + 0.5) * cw).toFixed(1)}" y="${PAD.top - 6}" text-anchor="middle" class="axis">${esc(x)}</text>`,
    );
  });
  o.ys.forEach((y, r) => {
    const top = PAD.top + r * ch;
    out.push(
      `<text x="${PAD.left - 6}" y="${(top + ch / 2 + 4).toFixed(1)}" text-anchor="end" class="axis">${esc(y)}</text>`,
    );
    o.xs.forEach((x, i) => {
      const v = o.cells[r]?.[i] ?? null;
      const text = v === null ? 'n/a' : o.value(v);
      const left = PAD.left + i * cw;
      const fill = heatColour(v, lo, hi);
      out.push(
        `<rect class="cell${v === null ? ' empty' : ''}" x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${(cw - 1).toFixed(1)}" height="${(ch - 1).toFixed(1)}" fill="${fill}"><title>${esc(`${o.xName}=${x} ${o.yName}=${y}: ${text}`)}</title></rect>`,
      );
      if (cw >= 7 * text.length && ch >= 14)
        out.push(
          `<text x="${(left + cw / 2).toFixed(1)}" y="${(top + ch / 2 + 4).toFixed(1)}" text-anchor="middle" class="cell-value" font-size="11" fill="${textOn(fill)}">${esc(text)}</text>`,
        );
    });
  });
  out.push(
    `<text x="${PAD.left}" y="${(height - 14).toFixed(0)}" class="axis">${esc(values.length ? `${o.value(lo)} … ${o.value(hi)}` : 'no values')}</text>`,
    '</svg></figure>',
  );
  return out.join('');
}
