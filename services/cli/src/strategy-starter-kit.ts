/**
 * What `tickflow strategy new <name>` writes: a working strategy module, its vitest test and a
 * strategy config naming it. `NAME` and `CLASS` are replaced by the name and its PascalCase.
 * (Named *-kit: the house rules read the starter test's `import … from 'vitest'` as this file's own
 * import, and let kits use the root's dev tools.)
 */

export const STARTER_MODULE = `// NAME — a tickflow strategy module (docs/STRATEGIES.md).
//
// The rule: a trend filter with a dead band. BUY when the fast average rises above the slow one
// by more than \`bandBps\` basis points, SELL when it falls below it by more than that. Inside the
// band nothing happens, so small wiggles around the cross do not trade back and forth.
//
// Everything a strategy needs comes from '@tickflow/strategy' (tickflow answers that import even
// when this file is outside its repo). Rules of the contract (\`tickflow strategy check\`):
//   - decide from the ticks only: no Date.now(), new Date(), Math.random() or I/O;
//   - snapshot() returns ALL state as plain JSON and restore() continues from it exactly;
//   - return decide(...) for a decision (its qty is set by the config's sizing), or undefined.
import {
  decide,
  defineStrategy,
  type IndicatorState,
  IndicatorStateError,
  type Micros,
  readState,
  SMA,
  type Static,
  type Strategy,
  type Tick,
  Type,
} from '@tickflow/strategy';

/** The parameters, as a TypeBox schema: a config's values are checked against it at start. */
const Params = Type.Object({
  fast: Type.Integer({ minimum: 1, default: 20, description: 'fast SMA period, ticks' }),
  slow: Type.Integer({ minimum: 2, default: 80, description: 'slow SMA period, ticks' }),
  bandBps: Type.Number({ minimum: 0, maximum: 1000, default: 5, description: 'dead band, basis points' }),
});
type Params = Static<typeof Params>;

class CLASS implements Strategy {
  readonly name = 'NAME';
  private readonly fast: SMA;
  private readonly slow: SMA;
  /** 1 after a BUY, -1 after a SELL, 0 before the first decision. */
  private side = 0;

  constructor(private readonly params: Params) {
    // A RangeError here is reported at start with the config path of the parameters.
    if (params.fast >= params.slow) throw new RangeError(\`fast (\${params.fast}) must be < slow (\${params.slow})\`);
    this.fast = new SMA(params.fast);
    this.slow = new SMA(params.slow);
  }

  onTick(tick: Tick, now: Micros) {
    // Copy what you need from the tick: never keep the object.
    const price = Number(tick.price);
    const f = this.fast.update(price);
    const s = this.slow.update(price);
    if (f === undefined || s === undefined) return undefined; // warming up
    const spreadBps = ((f - s) / s) * 10_000;
    const want = spreadBps > this.params.bandBps ? 1 : spreadBps < -this.params.bandBps ? -1 : 0;
    if (want === 0 || want === this.side) return undefined;
    this.side = want;
    const action = want > 0 ? 'BUY' : 'SELL';
    return decide(this.name, tick, now, action, \`SMA\${this.params.fast} \${spreadBps.toFixed(1)} bp from SMA\${this.params.slow}\`, {
      price,
      fast: f,
      slow: s,
    });
  }

  indicators() {
    const out: Record<string, number> = {};
    if (this.fast.value !== undefined) out.fast = this.fast.value;
    if (this.slow.value !== undefined) out.slow = this.slow.value;
    return out;
  }

  snapshot(): IndicatorState {
    return { fast: this.fast.snapshot(), slow: this.slow.snapshot(), side: this.side };
  }

  restore(state: IndicatorState): void {
    const side = state.side;
    if (side !== 1 && side !== -1 && side !== 0) throw new IndicatorStateError('NAME: bad side');
    this.fast.restore(readState(state, 'fast', 'NAME'));
    this.slow.restore(readState(state, 'slow', 'NAME'));
    this.side = side;
  }
}

export default defineStrategy({
  name: 'NAME',
  params: Params,
  create: (_venue, _symbol, params) => new CLASS(params),
});
`;

export const STARTER_TEST = `// Run it from a tickflow checkout: npx vitest run --project strategies
// (\`tickflow strategy check ./NAME.ts\` runs the determinism and snapshot contract on it too.)
import type { Tick } from '@tickflow/strategy';
import { describe, expect, it } from 'vitest';
import strategy from './NAME.ts';

const tick = (seq: number, price: number): Tick => ({
  v: 1,
  venue: 'synth',
  symbol: 'BTC-USD',
  seq,
  ts: 1_767_225_600_000_000 + seq * 1_000_000,
  price: price.toFixed(2),
  size: '1',
  recvTs: 1_767_225_600_000_000 + seq * 1_000_000,
});

/** A path that rises for 200 ticks, then falls for 200. */
const path = Array.from({ length: 400 }, (_, i) => tick(i + 1, i < 200 ? 100 + i * 0.1 : 120 - (i - 200) * 0.1));

describe('NAME', () => {
  it('buys once the rise clears the band, then sells once the fall does', () => {
    const s = strategy.create('synth', 'BTC-USD', { fast: 5, slow: 20, bandBps: 5 });
    const decisions = path.flatMap((t) => s.onTick(t, t.ts) ?? []);
    expect(decisions.map((d) => d.action)).toEqual(['BUY', 'SELL']);
    expect(decisions[0]?.tickSeq).toBeLessThan(40);
    expect(decisions[1]?.tickSeq).toBeGreaterThan(200);
  });

  it('continues exactly after a snapshot and restore', () => {
    const params = { fast: 5, slow: 20, bandBps: 5 };
    const straight = strategy.create('synth', 'BTC-USD', params);
    const expected = path.flatMap((t) => straight.onTick(t, t.ts) ?? []);
    const first = strategy.create('synth', 'BTC-USD', params);
    const before = path.slice(0, 210).flatMap((t) => first.onTick(t, t.ts) ?? []);
    const second = strategy.create('synth', 'BTC-USD', params);
    second.restore(JSON.parse(JSON.stringify(first.snapshot())));
    const after = path.slice(210).flatMap((t) => second.onTick(t, t.ts) ?? []);
    expect([...before, ...after]).toEqual(expected);
  });
});
`;

/**
 * A strategy config naming the module (its path is relative to this file), with the gates a
 * person would use: a warm-up, a cooldown between decisions, sizing by notional, a position cap.
 */
export const STARTER_CONFIG = `{
  "defaults": {
    "strategy": "./NAME.ts",
    "params": { "fast": 20, "slow": 80, "bandBps": 5 },
    "sizing": { "kind": "notional", "notional": "1000", "qtyDecimals": 4 },
    "risk": { "warmUpTicks": 200, "cooldownMicros": 60000000, "maxNotional": "5000" }
  }
}
`;

/** The template with the strategy's name (kebab case) and its class name put in. */
export function fill(template: string, name: string): string {
  const pascal = name
    .split('-')
    .map((p) => (p[0] ?? '').toUpperCase() + p.slice(1))
    .join('');
  return template.replaceAll('CLASS', pascal).replaceAll('NAME', name);
}
