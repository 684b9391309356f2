import { type Bus, decode, readStream, type StreamName } from '@tickflow/bus';
import { Dec, type Decision, type Fill, type OrderEvent, ZERO } from '@tickflow/core';
import { fillId } from '@tickflow/paper';
import type { Audit } from './audit-ticks.ts';

export interface OrderAudit {
  decisions: number;
  fills: number;
  orderEvents: number;
  /** How the decisions ended (see docs/RELIABILITY.md, "Every decision ends exactly once"). */
  ends: Record<'filled' | 'rejected' | 'expired' | 'nothingToDo' | 'openAtEnd' | 'broken', number>;
  examples: string[];
  audits: Audit[];
}

const n = (x: number) => x.toLocaleString('en-US');

/** Every message of a stream by id: the first copy kept, the later ones counted. */
async function readById<T extends { id: string }>(
  bus: Bus,
  stream: StreamName,
): Promise<{ byId: Map<string, T>; stored: number; duplicates: number; examples: string[] }> {
  const byId = new Map<string, T>();
  const out = { byId, stored: 0, duplicates: 0, examples: [] as string[] };
  await readStream(bus.js, bus.jsm, stream, (m) => {
    out.stored++;
    const body = decode(m.data) as T;
    if (byId.has(body.id)) {
      out.duplicates++;
      if (out.examples.length < 3)
        out.examples.push(`${stream}: ${body.id} again at stream seq ${m.streamSeq}`);
    } else byId.set(body.id, body);
  });
  return out;
}

const signed = (f: Fill) => (f.side === 'BUY' ? new Dec(f.qty) : new Dec(f.qty).neg());

/**
 * DECISIONS and FILLS without duplicate ids, no fill without its decision, and every decision ended
 * exactly once, as the bot defines an end (services/bot/src/bot.ts): the quantity it had to trade
 * (BUY/SELL: the decision's qty; FLAT: the position its symbol's earlier decisions left) filled by
 * fills numbered `fill:<id>`, `fill:<id>:2`, ...; or one REJECTED event on ORDERS and no fill; or
 * fills plus one EXPIRED event for the rest. A FLAT with nothing to close ends with nothing, and a
 * decision whose venue+symbol has no later tick in TICKS is still waiting (open at the end).
 */
export async function auditOrders(bus: Bus, maxSeq: Map<string, number>): Promise<OrderAudit> {
  const decisions = await readById<Decision>(bus, 'DECISIONS');
  const fills = await readById<Fill>(bus, 'FILLS');
  const events = await readById<OrderEvent>(bus, 'ORDERS');
  const examples = [...decisions.examples, ...fills.examples, ...events.examples];
  const fillsOf = new Map<string, Fill[]>();
  let orphans = 0;
  for (const f of fills.byId.values()) {
    if (!decisions.byId.has(f.decisionId)) {
      orphans++;
      if (examples.length < 8) examples.push(`fill ${f.id} has no decision in DECISIONS`);
    }
    const list = fillsOf.get(f.decisionId) ?? [];
    list.push(f);
    fillsOf.set(f.decisionId, list);
  }
  const eventsOf = new Map<string, OrderEvent[]>();
  for (const e of events.byId.values()) {
    const list = eventsOf.get(e.decisionId) ?? [];
    list.push(e);
    eventsOf.set(e.decisionId, list);
  }
  const ends: OrderAudit['ends'] = {
    filled: 0,
    rejected: 0,
    expired: 0,
    nothingToDo: 0,
    openAtEnd: 0,
    broken: 0,
  };
  const broken = (d: Decision, why: string) => {
    ends.broken++;
    if (examples.length < 12) examples.push(`decision ${d.id}: ${why}`);
  };
  // In decision order per venue+symbol, so a FLAT knows the position the decisions before it left.
  const ordered = [...decisions.byId.values()].sort((a, b) =>
    a.venue === b.venue && a.symbol === b.symbol
      ? a.tickSeq - b.tickSeq
      : `${a.venue}:${a.symbol}` < `${b.venue}:${b.symbol}`
        ? -1
        : 1,
  );
  const position = new Map<string, Dec>();
  for (const d of ordered) {
    const key = `${d.venue}:${d.symbol}`;
    const before = position.get(key) ?? ZERO;
    const own = (fillsOf.get(d.id) ?? []).sort((a, b) => a.ts - b.ts);
    const evs = eventsOf.get(d.id) ?? [];
    let filled = ZERO;
    for (const f of own) filled = filled.plus(signed(f));
    position.set(key, before.plus(filled));
    const want =
      d.action === 'FLAT' ? before.neg() : d.action === 'BUY' ? new Dec(d.qty) : new Dec(d.qty).neg();
    const ids = own.map((f) => f.id).sort();
    const expectedIds = own.map((_, i) => fillId(d.id, i + 1)).sort();
    if (evs.length > 1) broken(d, `${evs.length} order events (${evs.map((e) => e.status).join(', ')})`);
    else if (ids.join() !== expectedIds.join()) broken(d, `fill ids ${ids.join(', ')}`);
    else if (evs[0]?.status === 'REJECTED') {
      if (own.length > 0) broken(d, `rejected and filled ${filled.toFixed()}`);
      else ends.rejected++;
    } else if (evs[0]?.status === 'EXPIRED') {
      const rest = want.isNegative() ? new Dec(evs[0].qty).neg() : new Dec(evs[0].qty);
      if (filled.plus(rest).eq(want)) ends.expired++;
      else broken(d, `expired with ${evs[0].qty} left after ${filled.toFixed()} filled of ${want.toFixed()}`);
    } else if (own.length > 0) {
      if (filled.eq(want)) ends.filled++;
      else broken(d, `filled ${filled.toFixed()} of ${want.toFixed()}`);
    } else if (want.isZero()) ends.nothingToDo++;
    else if ((maxSeq.get(key) ?? 0) <= d.tickSeq) ends.openAtEnd++;
    else broken(d, `no fill, rejection or expiry, with ticks after it (to trade ${want.toFixed()})`);
  }
  const endLine = `filled ${n(ends.filled)}, rejected ${n(ends.rejected)}, expired ${n(ends.expired)}, FLAT with nothing to close ${n(ends.nothingToDo)}, open at the end ${n(ends.openAtEnd)}; broken ${n(ends.broken)}`;
  return {
    decisions: decisions.byId.size,
    fills: fills.byId.size,
    orderEvents: events.byId.size,
    ends,
    examples,
    audits: [
      {
        name: 'DECISIONS no duplicate ids',
        pass: decisions.duplicates === 0 && decisions.stored > 0,
        figures: `${n(decisions.duplicates)} stored twice of ${n(decisions.stored)}`,
      },
      {
        name: 'FILLS no duplicate ids',
        pass: fills.duplicates === 0 && fills.stored > 0,
        figures: `${n(fills.duplicates)} stored twice of ${n(fills.stored)}`,
      },
      { name: 'FILLS each has its decision', pass: orphans === 0, figures: `${n(orphans)} without one` },
      {
        name: 'ORDERS no duplicate ids',
        pass: events.duplicates === 0,
        figures: `${n(events.duplicates)} stored twice of ${n(events.stored)}`,
      },
      { name: 'every decision ends exactly once', pass: ends.broken === 0, figures: endLine },
    ],
  };
}
