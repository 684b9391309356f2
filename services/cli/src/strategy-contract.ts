import { isDeepStrictEqual } from 'node:util';
import type { Decision, Tick } from '@tickflow/core';
import {
  type EngineState,
  type StrategyDefinition,
  StrategyEngine,
  type StrategyFactory,
  type StrategyFault,
} from '@tickflow/strategy';

/**
 * The contract `tickflow strategy check` holds a strategy module to: the same ticks give the same
 * decisions twice; a snapshot taken mid-stream and restored into a fresh engine continues exactly;
 * neither the wall clock nor randomness changes a decision; and how fast it runs. It runs through
 * the StrategyEngine signals runs, so a throw or an invalid decision fails it as it would pause live.
 */

export interface ContractResult {
  name: string;
  ok: boolean;
  detail: string;
}

/** A deterministic market: `symbols` random walks with trending regimes, interleaved by seq. */
export function contractTicks(perSymbol: number, symbols = ['BTC-USD', 'ETH-USD']): Tick[] {
  let state = 0x9e3779b9;
  const random = () => {
    // mulberry32: a seeded generator, so every check sees the same path.
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const prices = symbols.map((_, i) => 100 * (i + 1));
  const drift = symbols.map(() => 0);
  const out: Tick[] = [];
  const t0 = 1_767_225_600_000_000;
  for (let seq = 1; seq <= perSymbol; seq++) {
    symbols.forEach((symbol, i) => {
      if (seq % 500 === 1) drift[i] = (random() - 0.5) * 0.0008;
      const p = (prices[i] as number) * (1 + (drift[i] as number) + (random() - 0.5) * 0.002);
      prices[i] = p;
      const ts = t0 + seq * 250_000;
      out.push({ v: 1, venue: 'synth', symbol, seq, ts, price: p.toFixed(2), size: '1', recvTs: ts });
    });
  }
  return out;
}

type Run = { decisions: Decision[]; faults: StrategyFault[] };

function run(factory: StrategyFactory, ticks: readonly Tick[], engine?: StrategyEngine): Run {
  const faults: StrategyFault[] = [];
  const e = engine ?? new StrategyEngine(factory, (f) => faults.push(f));
  const decisions: Decision[] = [];
  for (const t of ticks) {
    const r = e.onTick(t, t.ts);
    if (r.decision) decisions.push(r.decision);
  }
  return { decisions, faults };
}

const faultText = (f: StrategyFault) => `${f.venue}:${f.symbol} at tick ${f.tickSeq}: ${f.error}`;

/** Where two decision lists first differ, said plainly. */
function firstDifference(a: Decision[], b: Decision[]): string {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (isDeepStrictEqual(x, y)) continue;
    const show = (d: Decision | undefined) =>
      d ? `${d.action} ${d.symbol} at tick ${d.tickSeq} (${d.reason})` : 'nothing';
    return `decision #${i + 1}: ${show(x)} vs ${show(y)}`;
  }
  return 'no difference';
}

/** Replaces clock and randomness sources for the duration of `body`, then puts them back. */
function withPatchedWorld<T>(mode: 'throw' | 'vary', body: () => T): T {
  type Random = { randomUUID: () => string; getRandomValues: (a: unknown) => unknown };
  const g = globalThis as unknown as { Date: DateConstructor; crypto?: Random };
  const RealDate = g.Date;
  const saved = {
    now: RealDate.now,
    random: Math.random,
    perf: performance.now,
    hrtime: process.hrtime,
    uuid: g.crypto?.randomUUID,
    values: g.crypto?.getRandomValues,
  };
  let k = 0;
  const refuse = (what: string) => () => {
    throw new Error(`tickflow check: ${what} called`);
  };
  const vary = () => {
    k += 7919;
    return 1_000_000 + k * 13;
  };
  const now = mode === 'throw' ? refuse('Date.now()') : () => saved.now.call(RealDate) + vary();
  // `new Date()` without arguments reads the clock too; with arguments it is a pure conversion.
  const PatchedDate = function (this: unknown, ...args: unknown[]) {
    if (args.length === 0 && mode === 'throw') refuse('new Date()')();
    const d = args.length === 0 ? new RealDate(now()) : new RealDate(...(args as [number]));
    return new.target ? d : d.toString();
  } as unknown as DateConstructor;
  Object.setPrototypeOf(PatchedDate, RealDate);
  Object.defineProperty(PatchedDate, 'prototype', { value: RealDate.prototype });
  PatchedDate.now = now;
  try {
    g.Date = PatchedDate;
    Math.random = mode === 'throw' ? refuse('Math.random()') : () => (vary() % 1000) / 1000;
    performance.now = mode === 'throw' ? refuse('performance.now()') : () => vary();
    process.hrtime = (mode === 'throw' ? refuse('process.hrtime()') : saved.hrtime) as typeof process.hrtime;
    if (g.crypto && mode === 'throw') {
      g.crypto.randomUUID = refuse('crypto.randomUUID()');
      g.crypto.getRandomValues = refuse('crypto.getRandomValues()');
    }
    return body();
  } finally {
    g.Date = RealDate;
    Math.random = saved.random;
    performance.now = saved.perf;
    process.hrtime = saved.hrtime;
    if (g.crypto && saved.uuid && saved.values) {
      g.crypto.randomUUID = saved.uuid;
      g.crypto.getRandomValues = saved.values;
    }
  }
}

/** Runs every check of the contract on one strategy module with `params` (already validated). */
export function checkContract(
  definition: StrategyDefinition,
  params: Record<string, unknown>,
  ticks: readonly Tick[],
): { results: ContractResult[]; decisions: number; ticksPerSecond: number } {
  const factory: StrategyFactory = (venue, symbol) => definition.create(venue, symbol, params);
  const results: ContractResult[] = [];
  const add = (name: string, ok: boolean, detail: string) => results.push({ name, ok, detail });

  const first = run(factory, ticks);
  const decisions = first.decisions.length;
  add(
    'runs without throwing or returning an invalid decision',
    first.faults.length === 0,
    first.faults.length
      ? first.faults.map(faultText).join('; ')
      : `${decisions} decisions over ${ticks.length} ticks${decisions === 0 ? ' (none: the checks below prove little on this path)' : ''}`,
  );

  const second = run(factory, ticks);
  const same = isDeepStrictEqual(first.decisions, second.decisions);
  add(
    'same ticks give the same decisions twice',
    same,
    same ? 'identical' : `runs differ at ${firstDifference(first.decisions, second.decisions)}`,
  );

  const cuts = [0.25, 0.5, 0.75].map((f) => Math.floor(ticks.length * f));
  const broken: string[] = [];
  for (const cut of cuts) {
    try {
      const before = new StrategyEngine(factory);
      const head = run(factory, ticks.slice(0, cut), before);
      const state = before.snapshot();
      const json = JSON.parse(JSON.stringify(state)) as EngineState;
      if (!isDeepStrictEqual(json, state)) {
        broken.push(`after ${cut} ticks: snapshot() is not plain JSON (it changes through JSON.stringify)`);
        continue;
      }
      const after = new StrategyEngine(factory);
      after.restore(json);
      const tail = run(factory, ticks.slice(cut), after);
      const joined = [...head.decisions, ...tail.decisions];
      if (!isDeepStrictEqual(joined, first.decisions))
        broken.push(`restored after ${cut} ticks: ${firstDifference(first.decisions, joined)}`);
    } catch (err) {
      broken.push(`after ${cut} ticks: snapshot/restore threw ${(err as Error).message}`);
    }
  }
  add(
    'snapshot then restore mid-stream continues exactly',
    broken.length === 0,
    broken.length ? broken.join('; ') : `restored after ${cuts.join(', ')} ticks`,
  );

  const reads: string[] = [];
  const refused = withPatchedWorld('throw', () => run(factory, ticks));
  const marks = refused.faults.filter((f) => f.error.includes('tickflow check:'));
  for (const f of marks)
    reads.push(
      `reads ${/tickflow check: (.*) called/.exec(f.error)?.[1]} (${f.venue}:${f.symbol} tick ${f.tickSeq})`,
    );
  const varied = withPatchedWorld('vary', () => run(factory, ticks));
  if (!isDeepStrictEqual(varied.decisions, first.decisions))
    reads.push(
      `decisions change when the clock and Math.random change: ${firstDifference(first.decisions, varied.decisions)}`,
    );
  add(
    'reads neither the wall clock nor randomness',
    reads.length === 0,
    reads.length ? reads.join('; ') : 'decisions unchanged with the clock and randomness varied, none read',
  );

  const started = performance.now();
  run(factory, ticks);
  const seconds = (performance.now() - started) / 1000;
  return { results, decisions, ticksPerSecond: ticks.length / Math.max(seconds, 1e-9) };
}
