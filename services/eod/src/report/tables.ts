import {
  fixedDigits as fixed,
  numericColumn as num,
  percent as pct,
  type ReportTable,
  table,
  textColumn as txt,
} from '@tickflow/report';
import { duplicateBreaks, type Report } from './report.ts';

/** The report's tables in reading order. */
export function reportTables(r: Report): ReportTable[] {
  const total = { symbol: 'TOTAL', ...r.profitAndLoss.total };
  return [
    table(
      'pnl',
      'P&L by symbol (fills, average cost, marked at the close)',
      [
        txt('symbol', 'symbol'),
        num('fills', 'fills'),
        num('turnover', 'turnover'),
        num('fees', 'fees'),
        num('realised', 'realised'),
        num('unrealised', 'unrealised'),
        num('net', 'net'),
        num('position', 'position'),
        num('mark', 'mark'),
        num('roundTrips', 'round trips'),
        num('winRate', 'win rate', pct),
        num('maxDrawdown', 'max drawdown'),
      ],
      [...r.profitAndLoss.symbols, total],
    ),
    table(
      'bars_daily',
      'Daily bars (OHLCV, VWAP)',
      [
        txt('symbol', 'symbol'),
        txt('venue', 'venue'),
        num('ticks', 'ticks'),
        num('minutes', 'minutes'),
        num('open', 'open'),
        num('high', 'high'),
        num('low', 'low'),
        num('close', 'close'),
        num('volume', 'volume'),
        num('vwap', 'VWAP'),
      ],
      r.bars,
    ),
    table(
      'volatility',
      'Volatility (annualised from 1-minute bars; ranked)',
      [
        num('rank', 'rank'),
        txt('symbol', 'symbol'),
        txt('venue', 'venue'),
        num('bars', 'bars'),
        num('closeToClose1m', 'close-to-close 1m', pct),
        num('closeToClose5m', 'close-to-close 5m', pct),
        num('parkinson', 'Parkinson', pct),
        num('garmanKlass', 'Garman–Klass', pct),
        num('rogersSatchell', 'Rogers–Satchell', pct),
        num('realisedVariance', 'realised variance (day)', fixed(8)),
        num('range', 'range'),
        num('rangePct', 'range / open', pct),
      ],
      r.volatility,
    ),
    table(
      'quality',
      'Feed quality',
      [
        txt('symbol', 'symbol'),
        txt('venue', 'venue'),
        num('ticks', 'ticks'),
        num('firstSeq', 'first seq'),
        num('lastSeq', 'last seq'),
        num('missingSeqs', 'missing seqs'),
        num('seqGaps', 'gaps'),
        num('duplicates', 'duplicates'),
        num('outOfOrder', 'out of order'),
        num('storedOutOfOrder', 'stored out of seq order'),
        num('storedOutOfOrderMaxDisplacement', 'max displacement (msgs)'),
        num('longestStaleSeconds', 'longest stale (s)', fixed(3)),
        txt('longestStaleFrom', 'stale from'),
      ],
      r.quality.symbols,
    ),
    table(
      'rejects',
      'Rejected ticks by reason code',
      [txt('venue', 'venue'), txt('code', 'code'), num('count', 'count'), txt('example', 'example reason')],
      r.quality.rejects,
    ),
    table(
      'symbols',
      'Overview by symbol',
      [
        txt('symbol', 'symbol'),
        txt('venue', 'venue'),
        num('ticks', 'ticks'),
        num('open', 'open'),
        num('close', 'close'),
        num('volatility1mAnnualised', 'vol (1m, ann.)', pct),
        num('decisions', 'decisions'),
        num('fills', 'fills'),
        num('netQty', 'net qty'),
        num('fees', 'fees'),
        num('pnl', 'P&L'),
      ],
      r.symbols,
    ),
  ];
}

/** Every table written as CSV: the report's tables plus the reconciliation breaks. */
export function csvTables(r: Report): ReportTable[] {
  return [
    ...reportTables(r),
    table(
      'reconciliation_breaks',
      'Reconciliation breaks',
      [txt('kind', 'kind'), txt('id', 'id'), txt('detail', 'detail')],
      [
        ...r.reconciliation.decisions.breaks,
        ...r.reconciliation.duplicates.records.flatMap((d) =>
          duplicateBreaks(d).map((detail) => ({ kind: 'duplicate', id: d.id, detail })),
        ),
      ],
    ),
  ];
}
