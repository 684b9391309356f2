export { buildApp } from './app.ts';
export { streamBackfill } from './backfill.ts';
export { botBacklog } from './backlog.ts';
export { PaperBot } from './bot.ts';
export { type BotConfig, botSpec } from './config.ts';
export { type ExecutionFlags, executionOf, limitsOf, startBot } from './main.ts';
