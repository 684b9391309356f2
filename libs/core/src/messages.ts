import { isDecimalString } from './money.ts';
import { show } from './show.ts';
import { isValidSymbol } from './symbols.ts';
import type { Decision, Fill, RejectedTick } from './types.ts';

/**
 * Shape checks of the other v1 messages read back from the wire. Each returns why the value is
 * unusable, or undefined when it is fine; they never throw, so a consumer can count and skip.
 */
const isInt = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x);
const isQty = (x: unknown) => isDecimalString(x) && !x.startsWith('-');

export function decisionProblem(d: Partial<Decision> | null): string | undefined {
  if (typeof d !== 'object' || d === null) return 'not an object';
  if (d.v !== 1) return `unsupported version ${show(d.v)}`;
  if (typeof d.id !== 'string' || d.id.length === 0) return 'missing id';
  if (!isValidSymbol(d.symbol)) return `bad symbol ${show(d.symbol)}`;
  if (d.action !== 'BUY' && d.action !== 'SELL' && d.action !== 'FLAT') return `bad action ${show(d.action)}`;
  if (!isQty(d.qty)) return `bad qty ${show(d.qty)}`;
  if (!isQty(d.refPrice)) return `bad refPrice ${show(d.refPrice)}`;
  if (!isInt(d.tickSeq) || !isInt(d.tickTs) || !isInt(d.decidedAt)) return 'bad tickSeq, tickTs or decidedAt';
  if (d.tickStreamSeq !== undefined && !isInt(d.tickStreamSeq)) return 'bad tickStreamSeq';
  if (d.tickRecvTs !== undefined && !isInt(d.tickRecvTs)) return 'bad tickRecvTs';
  if (d.limitPrice !== undefined && !(isDecimalString(d.limitPrice) && Number(d.limitPrice) > 0))
    return 'limitPrice must be a positive decimal string';
  return undefined;
}

export function fillProblem(f: Partial<Fill> | null): string | undefined {
  if (typeof f !== 'object' || f === null) return 'not an object';
  if (f.v !== 1) return `unsupported version ${show(f.v)}`;
  if (typeof f.id !== 'string' || typeof f.decisionId !== 'string') return 'missing id or decisionId';
  if (!isValidSymbol(f.symbol)) return `bad symbol ${show(f.symbol)}`;
  if (f.side !== 'BUY' && f.side !== 'SELL') return `bad side ${show(f.side)}`;
  if (!isQty(f.qty) || !isQty(f.price) || !isQty(f.fee)) return 'bad qty, price or fee';
  if (!isInt(f.ts)) return 'bad ts';
  return undefined;
}

export function rejectProblem(r: Partial<RejectedTick> | null): string | undefined {
  if (typeof r !== 'object' || r === null) return 'not an object';
  if (r.v !== 1) return `unsupported version ${show(r.v)}`;
  if (typeof r.venue !== 'string' || typeof r.code !== 'string' || typeof r.reason !== 'string')
    return 'missing fields';
  if (!isInt(r.at)) return 'bad at';
  return undefined;
}
