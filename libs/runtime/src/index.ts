export { commonSpec, natsAuthSpec } from './common-spec.ts';
export {
  addOptions,
  ConfigError,
  type ConfigOf,
  type Field,
  readSettingFile,
  resolveConfig,
  type Spec,
  unknownEnv,
} from './config.ts';
export { bool, choice, int, num, optionalDate, optionalStr, str, url, urlList } from './config-fields.ts';
export {
  closeWithin,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  runUntilSignal,
  ShutdownIncompleteError,
} from './entry.ts';
export {
  createHttpApp,
  type HealthReport,
  type HealthStatus,
  type HttpApp,
  type HttpOptions,
  listen,
  PortUnavailableError,
} from './http.ts';
export { originAllowed, presentedToken, routeIsOpen, servePublicly } from './http-auth.ts';
export {
  defaultHttpSecurity,
  type HttpSecurity,
  type HttpSecurityConfig,
  isLoopbackHost,
  loadHttpSecurity,
} from './http-security.ts';
export { Lifecycle, type ServiceHandle } from './lifecycle.ts';
export { createLogger, LOG_LEVELS, type Logger, type LogLevel } from './logger.ts';
export { Counter, createRegistry, Gauge, Histogram, type Registry } from './metrics.ts';
export { type BusConnectSettings, busAuthFrom, type NatsAuthConfig, natsAuthEnv } from './nats-auth.ts';
export { OutageLog } from './outage-log.ts';
export { loadStrategyModule, loadStrategySetup } from './strategy-loader.ts';
export { type StreamSettingDiff, warnStreamSetting } from './stream-warnings.ts';
export {
  grants,
  loadTokens,
  parseTokens,
  SCOPES,
  type Scope,
  type TokenEntry,
  TokenStore,
} from './tokens.ts';
