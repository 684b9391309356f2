import type { HistoryConnection } from '@tickflow/history';
import type { Marker, Series } from '@tickflow/report';

/** One symbol's price chart: 1-minute closes per venue and (a sample of) its decisions. */
export interface PriceChart {
  symbol: string;
  series: Series[];
  markers: Marker[];
  /** The symbol's decisions that day, and how many of them are drawn. */
  decisions: number;
  drawn: number;
}

/** Symbols drawn with their prices: the most active; every one is in the tables and CSVs. */
export const SYMBOLS_CHARTED = 6;
/** Decisions drawn per symbol at most (evenly spread): a busy day has thousands. */
const MARKERS_PER_SYMBOL = 300;

/** Minutes since the date's UTC midnight: the charts' x axis. */
export const minuteOfDay = (date: string, epochMinute: number) =>
  epochMinute - Date.parse(`${date}T00:00:00Z`) / 60_000;

/** HH:MM of a minute of the day (x axis labels). */
export const clock = (minute: number) => {
  const m = Math.round(minute);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(((m % 60) + 60) % 60).padStart(2, '0')} UTC`;
};

/**
 * The price charts of `symbols`: their 1-minute closes from `bars_1m` (as DOUBLE: a picture, not
 * money) and up to MARKERS_PER_SYMBOL of their decisions at the deciding tick's time and reference
 * price.
 */
export async function priceCharts(
  conn: HistoryConnection,
  date: string,
  symbols: readonly string[],
): Promise<PriceChart[]> {
  if (symbols.length === 0) return [];
  // One bound parameter per symbol: `symbol IN ($s0, $s1, …)`.
  const list = symbols.map((_, i) => `$s${i}`).join(', ');
  const midnight = Date.parse(`${date}T00:00:00Z`) / 60_000;
  const params = { date, midnight, ...Object.fromEntries(symbols.map((s, i) => [`s${i}`, s])) };
  const bars = await conn.rows(
    `
      SELECT symbol, venue, epoch(minute) / 60 - $midnight AS m, close::DOUBLE AS c
      FROM bars_1m WHERE trade_date = $date AND symbol IN (${list}) ORDER BY symbol, venue, minute`,
    params,
  );
  const decisions = await conn.rows(
    `
      SELECT symbol, tick_ts / 60e6 - $midnight AS m, ref_price::DOUBLE AS p, action,
             count(*) OVER (PARTITION BY symbol) AS n
      FROM decisions WHERE trade_date = $date AND symbol IN (${list})
      QUALIFY (row_number() OVER (PARTITION BY symbol ORDER BY tick_ts, id) - 1)
              % greatest(1, ceil(count(*) OVER (PARTITION BY symbol) / ${MARKERS_PER_SYMBOL})::BIGINT) = 0
      ORDER BY symbol, tick_ts`,
    params,
  );
  return symbols.map((symbol) => {
    const series: Series[] = [];
    for (const b of bars) {
      if (b.symbol !== symbol) continue;
      const label = `${symbol} ${String(b.venue)}`;
      let s = series.at(-1);
      if (s?.label !== label) {
        s = { label, points: [] };
        series.push(s);
      }
      s.points.push([Number(b.m), Number(b.c)]);
    }
    const mine = decisions.filter((r) => r.symbol === symbol);
    return {
      symbol,
      series,
      markers: mine.map((r) => ({
        x: Number(r.m),
        y: Number(r.p),
        kind: r.action === 'BUY' ? 'BUY' : r.action === 'SELL' ? 'SELL' : 'FLAT',
      })),
      decisions: Number(mine[0]?.n ?? 0),
      drawn: mine.length,
    };
  });
}
