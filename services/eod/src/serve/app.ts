import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHttpApp, type HttpSecurity, type Registry } from '@tickflow/runtime';
import { Type } from 'typebox';
import type { Report } from '../report.ts';
import type { EodScheduler } from './scheduler.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const ReportSummary = Type.Object({
  date: Type.String(),
  clean: Type.Boolean({ description: 'reconciled: decisions, fills and P&L agree with the batch layer' }),
  pnl: Type.String({ description: 'net P&L of the day, fills marked at the close' }),
  ticks: Type.Integer(),
  decisions: Type.Integer(),
  fills: Type.Integer(),
  breaks: Type.Integer(),
  links: Type.Object({ json: Type.String(), html: Type.String(), markdown: Type.String() }),
});

/** The dates under reportsDir that hold a report.json, newest first. */
export function reportDates(reportsDir: string): string[] {
  if (!existsSync(reportsDir)) return [];
  return readdirSync(reportsDir)
    .filter((d) => DATE.test(d) && existsSync(join(reportsDir, d, 'report.json')))
    .sort()
    .reverse();
}

const readReport = (reportsDir: string, date: string) =>
  JSON.parse(readFileSync(join(reportsDir, date, 'report.json'), 'utf8')) as Report;

/**
 * REST of `eod serve`: the reports under `reportsDir` (a summary list and each report.json), the
 * scheduler's runs, `/healthz` (degraded when the last run failed) and `/metrics`.
 */
export function buildEodApp(opts: {
  reportsDir: string;
  scheduler: EodScheduler;
  registry: Registry;
  security?: HttpSecurity;
}) {
  const app = createHttpApp({
    registry: opts.registry,
    ...(opts.security ? { security: opts.security } : {}),
    health: () => {
      const last = opts.scheduler.runs[0];
      const ok = last?.ok !== false;
      return {
        status: ok ? 'ok' : 'degraded',
        checks: {
          lastRun: {
            ok,
            detail: last
              ? `${last.date}: ${last.error ?? (last.clean ? 'reconciled' : 'breaks')}`
              : 'none yet',
          },
        },
      };
    },
  });
  app.get(
    '/v1/reports',
    {
      schema: {
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })),
        }),
        response: { 200: Type.Object({ reports: Type.Array(ReportSummary) }) },
      },
    },
    async (req) => {
      const limit = (req.query as { limit?: number }).limit ?? 30;
      const reports = reportDates(opts.reportsDir)
        .slice(0, limit)
        .map((date) => {
          const r = readReport(opts.reportsDir, date);
          const rec = r.reconciliation;
          const breaks =
            rec.decisions.missing +
            rec.decisions.extra +
            rec.decisions.differing +
            (rec.fills ? rec.fills.missing + rec.fills.extra + rec.fills.differing : 0) +
            (rec.pnl.equal ? 0 : 1);
          return {
            date,
            clean: rec.clean,
            pnl: r.pnl.total,
            ticks: r.load.ticks,
            decisions: r.load.decisions,
            fills: r.load.fills,
            breaks,
            links: {
              json: `/v1/reports/${date}`,
              html: `/reports/${date}/report.html`,
              markdown: `/reports/${date}/report.md`,
            },
          };
        });
      return { reports };
    },
  );
  app.get(
    '/v1/reports/:date',
    {
      schema: {
        params: Type.Object({ date: Type.String({ maxLength: 10 }) }),
      },
    },
    async (req, reply) => {
      const { date } = req.params as { date: string };
      if (!DATE.test(date))
        return reply.code(400).send({ error: 'BAD_DATE', message: 'date must be YYYY-MM-DD' });
      if (!existsSync(join(opts.reportsDir, date, 'report.json')))
        return reply.code(404).send({ error: 'NOT_FOUND', message: `no report for ${date}` });
      return reply.send(readReport(opts.reportsDir, date));
    },
  );
  for (const [file, type] of [
    ['report.html', 'text/html; charset=utf-8'],
    ['report.md', 'text/markdown; charset=utf-8'],
  ] as const) {
    app.get(
      `/reports/:date/${file}`,
      {
        schema: {
          params: Type.Object({ date: Type.String({ maxLength: 10 }) }),
        },
      },
      async (req, reply) => {
        const { date } = req.params as { date: string };
        if (!DATE.test(date))
          return reply.code(400).send({ error: 'BAD_DATE', message: 'date must be YYYY-MM-DD' });
        const path = join(opts.reportsDir, date, file);
        if (!existsSync(path))
          return reply.code(404).send({ error: 'NOT_FOUND', message: `no ${file} for ${date}` });
        return reply.type(type).send(readFileSync(path, 'utf8'));
      },
    );
  }
  app.get('/v1/runs', async () => ({
    next: opts.scheduler.next
      ? { date: opts.scheduler.next.date, at: new Date(opts.scheduler.next.at).toISOString() }
      : null,
    runs: opts.scheduler.runs,
  }));
  return app;
}
