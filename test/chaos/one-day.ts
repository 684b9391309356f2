/**
 * The end of day closes one UTC date and its P&L starts flat, while the bot's P&L runs on across
 * midnight: a campaign whose ticks straddle midnight cannot compare the two. So a campaign that
 * would reach midnight waits for it first (at most its own length plus the margin).
 */
export const MIDNIGHT_MARGIN_S = 30;

/** Milliseconds to wait so that `seconds` (plus the margin) from then on stay in one UTC date. */
export function waitForOneDate(nowMs: number, seconds: number): number {
  const next = (Math.floor(nowMs / 86_400_000) + 1) * 86_400_000;
  const needed = (seconds + MIDNIGHT_MARGIN_S) * 1000;
  return next - nowMs >= needed ? 0 : next - nowMs + 1000;
}
