import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { type HttpApp, servePublicly } from '@tickflow/runtime';

const packageDir = (name: string) => dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));

/**
 * The dashboard's hand-written ES modules, HTML and CSS: served as they are, no build step. Found
 * through the package, not this file's path, so it holds in the `tickflow` bundle too.
 */
export const PUBLIC_DIR = join(packageDir('@tickflow/signals'), 'public');

/** lightweight-charts' standalone ES module build, from node_modules (the machine may have no internet). */
const CHARTS_DIR = join(packageDir('lightweight-charts'), 'dist');

/**
 * `GET /` (the dashboard) and its assets; `/vendor/lightweight-charts/` for the chart library.
 * Served without a token (code, no data): the page sends one to the API (public/auth.js).
 */
export function dashboardRoutes() {
  return async (app: HttpApp) => {
    servePublicly(app);
    // wildcard: false registers one route per file found at start, so nothing else under / is
    // read from disk and /v1/* stays the API's.
    await app.register(fastifyStatic, {
      root: PUBLIC_DIR,
      prefix: '/',
      wildcard: false,
      index: 'index.html',
    });
    await app.register(fastifyStatic, {
      root: CHARTS_DIR,
      prefix: '/vendor/lightweight-charts/',
      wildcard: false,
      decorateReply: false,
      allowedPath: (path) => path.endsWith('.standalone.production.mjs'),
    });
  };
}
