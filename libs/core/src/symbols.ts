/**
 * Symbols are upper case `BASE-QUOTE` (BTC-USD) or tickers (AAPL). They become NATS subject
 * tokens, so they may never contain `.`, `*`, `>` or white space: this pattern excludes them all.
 */
const SYMBOL = /^[A-Z0-9]{1,20}(?:-[A-Z0-9]{1,20})?$/;
/** Venues are lower case identifiers (`synth`, `binance`, `coinbase`). */
const VENUE = /^[a-z0-9_]{1,32}$/;

export function isValidSymbol(symbol: unknown): symbol is string {
  return typeof symbol === 'string' && SYMBOL.test(symbol);
}

export function isValidVenue(venue: unknown): venue is string {
  return typeof venue === 'string' && VENUE.test(venue);
}

/**
 * Normalises a venue's spelling of a symbol (`btc/usd`, `btc_usd`, ` eth-usd `) to ours,
 * or returns undefined when the result still is not a valid symbol.
 */
export function normaliseSymbol(input: string): string | undefined {
  const s = input.trim().toUpperCase().replace(/[/_]/g, '-');
  return isValidSymbol(s) ? s : undefined;
}
