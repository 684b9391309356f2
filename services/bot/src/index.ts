export { buildApp } from './app.ts';
export { PaperBot } from './bot.ts';
export { type BotConfig, botSpec } from './config.ts';
export { startBot } from './main.ts';
