export { DEFAULT_FILL_MODEL, type FillModel, fillDecision, fillId } from './fill.ts';
export { type PnlSummary, Portfolio } from './portfolio.ts';
