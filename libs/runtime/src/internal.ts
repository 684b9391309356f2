/**
 * @tickflow/runtime's entry for siblings that must stay light: a grid's worker threads need the
 * strategy loader and the config errors, not the HTTP stack (fastify, helmet, prom-client) that
 * index.ts brings, whose loading was most of a worker thread's start-up.
 */
export { ConfigError, readSettingFile } from './config.ts';
export { loadStrategyModule, loadStrategySetup } from './strategy-loader.ts';
