/**
 * Charts for a report page as inline SVG: drawn here, so the page needs no script, no library and
 * no network to show them (it must open from a mail or an archive). Pure: numbers in, markup out.
 */

import { escapeHtml as esc } from './escape.ts';

export interface Series {
  label: string;
  /** [x, y] in the data's own units, x ascending. */
  points: [number, number][];
}

export interface Marker {
  x: number;
  y: number;
  kind: 'BUY' | 'SELL' | 'FLAT';
}

const W = 880;
const H = 240;
const PAD = { left: 70, right: 16, top: 28, bottom: 28 };
const COLOURS = ['#0969da', '#8250df', '#bf8700', '#1a7f37', '#cf222e', '#57606a'];
/** Points drawn per series at most: a 10 M-tick day has 1,440 minutes per symbol. */
const MAX_POINTS = 720;

/** An axis number: six significant digits, grouped, never in exponent form. */
const fmt = (v: number) => v.toLocaleString('en-US', { maximumSignificantDigits: 6 });

/** Every k-th point (and the last), so a long series keeps its shape in at most MAX_POINTS. */
function thin(points: [number, number][]): [number, number][] {
  if (points.length <= MAX_POINTS) return points;
  const k = Math.ceil(points.length / MAX_POINTS);
  const out = points.filter((_, i) => i % k === 0);
  const last = points.at(-1);
  if (last && out.at(-1) !== last) out.push(last);
  return out;
}

/** The values' range, widened by 5 % each side when `pad` (so a line does not touch the frame). */
function extent(values: number[], pad = true): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) return [lo - 1, hi + 1];
  const margin = pad ? (hi - lo) * 0.05 : 0;
  return [lo - margin, hi + margin];
}

/**
 * A line chart of one or more series with optional trade markers (▲ buy, ▼ sell, ◆ flat).
 * `data-chart` names it (tests and readers find it); `xLabel`/`yLabel` format the axis ends.
 */
export function lineChart(o: {
  id: string;
  title: string;
  series: Series[];
  markers?: Marker[];
  xLabel: (x: number) => string;
  yLabel?: (y: number) => string;
}): string {
  const series = o.series.map((s) => ({ ...s, points: thin(s.points) })).filter((s) => s.points.length > 0);
  const markers = o.markers ?? [];
  const xs = [...series.flatMap((s) => s.points.map((p) => p[0])), ...markers.map((m) => m.x)];
  const ys = [...series.flatMap((s) => s.points.map((p) => p[1])), ...markers.map((m) => m.y)];
  const head = `<figure class="chart"><figcaption>${esc(o.title)}</figcaption>`;
  if (xs.length === 0) return `${head}<p class="meta">no data</p></figure>`;
  // Time is not padded: the axis ends are the first and last minute drawn.
  const [x0, x1] = extent(xs, false);
  const [y0, y1] = extent(ys);
  const px = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const py = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const yl = o.yLabel ?? fmt;
  const out = [
    head,
    `<svg data-chart="${esc(o.id)}" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(o.title)}">`,
    `<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${H - PAD.top - PAD.bottom}" fill="#fff" stroke="#d0d7de"/>`,
    `<text x="${PAD.left - 6}" y="${PAD.top + 10}" text-anchor="end" class="axis">${esc(yl(y1))}</text>`,
    `<text x="${PAD.left - 6}" y="${H - PAD.bottom}" text-anchor="end" class="axis">${esc(yl(y0))}</text>`,
    `<text x="${PAD.left}" y="${H - 8}" class="axis">${esc(o.xLabel(x0))}</text>`,
    `<text x="${W - PAD.right}" y="${H - 8}" text-anchor="end" class="axis">${esc(o.xLabel(x1))}</text>`,
  ];
  if (y0 < 0 && y1 > 0)
    out.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py(0)}" y2="${py(0)}" stroke="#8c959f" stroke-dasharray="4 3"/>`,
    );
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    const pts = s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    out.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${pts}"><title>${esc(s.label)}</title></polyline>`,
    );
    out.push(
      `<text x="${PAD.left + 8 + i * 160}" y="${PAD.top - 10}" fill="${colour}" class="axis">${esc(s.label)}</text>`,
    );
  });
  for (const m of markers) {
    const x = px(m.x).toFixed(1);
    const y = py(m.y);
    const shape =
      m.kind === 'BUY'
        ? `<path class="marker buy" d="M${x} ${(y - 5).toFixed(1)} l4 7 h-8 z" fill="#1a7f37"/>`
        : m.kind === 'SELL'
          ? `<path class="marker sell" d="M${x} ${(y + 5).toFixed(1)} l4 -7 h-8 z" fill="#cf222e"/>`
          : `<path class="marker flat" d="M${x} ${(y - 4).toFixed(1)} l4 4 l-4 4 l-4 -4 z" fill="#57606a"/>`;
    out.push(shape);
  }
  out.push('</svg></figure>');
  return out.join('');
}

/** A horizontal bar chart, largest first as given; `value` formats each bar's number. */
export function barChart(o: {
  id: string;
  title: string;
  bars: { label: string; value: number }[];
  value: (v: number) => string;
}): string {
  const head = `<figure class="chart"><figcaption>${esc(o.title)}</figcaption>`;
  if (o.bars.length === 0) return `${head}<p class="meta">no data</p></figure>`;
  const row = 18;
  const height = PAD.top + o.bars.length * row + 8;
  const max = Math.max(...o.bars.map((b) => Math.abs(b.value)), Number.MIN_VALUE);
  const span = W - 160 - 90;
  const out = [
    head,
    `<svg data-chart="${esc(o.id)}" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="${esc(o.title)}">`,
  ];
  o.bars.forEach((b, i) => {
    const y = PAD.top + i * row;
    const w = Math.max(1, (Math.abs(b.value) / max) * span);
    out.push(
      `<text x="152" y="${y + 12}" text-anchor="end" class="axis">${esc(b.label)}</text>`,
      `<rect class="bar" x="160" y="${y + 2}" width="${w.toFixed(1)}" height="${row - 5}" fill="#0969da"/>`,
      `<text x="${(166 + w).toFixed(1)}" y="${y + 12}" class="axis">${esc(o.value(b.value))}</text>`,
    );
  });
  out.push('</svg></figure>');
  return out.join('');
}
