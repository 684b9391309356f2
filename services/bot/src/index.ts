export { buildApp } from './app.ts';
export { botBacklog } from './backlog.ts';
export { PaperBot } from './bot.ts';
export { type BotConfig, botSpec } from './config.ts';
export { BOT_BUCKET, executionOf, limitsOf, startBot } from './main.ts';
export type { SessionSnapshot } from './session.ts';
