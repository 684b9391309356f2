import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { HttpApp } from '@tickflow/runtime';

/** The dashboard's hand-written ES modules, HTML and CSS: served as they are, no build step. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

/** lightweight-charts' standalone ES module build, from node_modules (the machine may have no internet). */
const CHARTS_DIR = join(
  dirname(createRequire(import.meta.url).resolve('lightweight-charts/package.json')),
  'dist',
);

/** `GET /` (the dashboard) and its assets; `/vendor/lightweight-charts/` for the chart library. */
export function dashboardRoutes() {
  return async (app: HttpApp) => {
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
