export {
  DEFAULT_EXECUTION,
  type ExecutionModel,
  fillId,
  type OrderState,
  PaperOrder,
  type TapeTick,
} from './order.ts';
export { type AppliedFill, type PnlSummary, Portfolio } from './portfolio.ts';
export {
  checkRisk,
  lossLimitBreached,
  lossLimitHalt,
  NO_LIMITS,
  type OrderExposure,
  type PreTradeOrder,
  preTradeCheck,
  type RiskLimits,
  type RiskReason,
  type RiskVerdict,
} from './risk.ts';
export { BOT_BUCKET, type SessionSnapshot, sessionSnapshotName } from './session.ts';
export { type SimulatedDay, simulateExecution, type Tape } from './simulate.ts';
