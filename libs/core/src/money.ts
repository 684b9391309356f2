import { Decimal } from 'decimal.js';

/**
 * Exact decimal arithmetic for prices, sizes and money. A private constructor clone, so settings
 * here never leak into other users of decimal.js in the same process.
 */
export const Dec = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -30,
  toExpPos: 40,
});
export type Dec = InstanceType<typeof Dec>;

/** A plain decimal number string: optional sign, digits, optional fraction. No exponent, no NaN. */
const DECIMAL_STRING = /^-?(?:\d+)(?:\.\d+)?$/;

export class InvalidDecimalError extends Error {
  override name = 'InvalidDecimalError';
  constructor(
    readonly input: unknown,
    options?: { cause?: unknown },
  ) {
    super(`not a finite decimal string: ${JSON.stringify(input)}`, options);
  }
}

/** Parses a decimal string exactly. Floats are refused on purpose: they are not exact. */
export function dec(value: string | Dec): Dec {
  if (value instanceof Dec) return value;
  const known = typeof value === 'string' ? parsed.get(value) : undefined;
  if (known !== undefined) return known;
  if (typeof value !== 'string' || !DECIMAL_STRING.test(value)) throw new InvalidDecimalError(value);
  const d = new Dec(value);
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(value, d);
  return d;
}

/**
 * Recently parsed decimal strings. Quantities, prices and fee rates repeat (a replay of a day parses
 * the same few hundred thousand strings again and again) and a Dec never changes, so one instance
 * can serve every caller. Emptied when full rather than evicted: a miss only costs a parse.
 */
const parsed = new Map<string, Dec>();
const PARSED_MAX = 16_384;

/** True when `value` is a string `dec()` accepts. */
export function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 64 && DECIMAL_STRING.test(value);
}

/** Decimal places kept for money on the wire (fees, P&L). Prices keep their own precision. */
export const MONEY_DP = 8;

/** Formats a money amount for the wire: fixed `MONEY_DP` places, half-even, no exponent. */
export function money(value: Dec): string {
  return value.toDecimalPlaces(MONEY_DP, Dec.ROUND_HALF_EVEN).toFixed(MONEY_DP);
}

/** Formats any decimal as a plain string without exponent and without trailing zeros. */
export function plain(value: Dec): string {
  return value.toFixed();
}

/** Rounds to cents for display and for "to the cent" comparisons. */
export function cents(value: Dec): string {
  return value.toDecimalPlaces(2, Dec.ROUND_HALF_EVEN).toFixed(2);
}

export const ZERO = new Dec(0);
