import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCalendarDate } from '@tickflow/core';
import { createHttpApp, type HttpSecurity, type Registry } from '@tickflow/runtime';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type { Report } from '../report/report.ts';
import { REPORT_JSON_SCHEMA } from '../report/report-schema.ts';
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

/** A report.json that is not JSON or not a v1 report (truncated, hand-edited, another tool's). */
export class ReportUnreadableError extends Error {
  override name = 'ReportUnreadableError';
}

const reportCheck = Compile(REPORT_JSON_SCHEMA);

function readReport(reportsDir: string, date: string): Report {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(reportsDir, date, 'report.json'), 'utf8'));
  } catch (cause) {
    throw new ReportUnreadableError(`${date}/report.json is not JSON`, { cause });
  }
  if (!reportCheck.Check(value)) {
    const first = reportCheck.Errors(value)[0];
    const where = first ? ` (${first.instancePath || '/'}: ${first.message})` : '';
    throw new ReportUnreadableError(`${date}/report.json is not a tickflow v1 report${where}`);
  }
  return value as Report;
}

const Unreadable = Type.Object({ date: Type.String(), error: Type.String() });

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
        response: {
          200: Type.Object({
            reports: Type.Array(ReportSummary),
            unreadable: Type.Array(Unreadable, { description: 'report.json files that could not be read' }),
          }),
        },
      },
    },
    async (req) => {
      const limit = (req.query as { limit?: number }).limit ?? 30;
      const unreadable: { date: string; error: string }[] = [];
      const reports = reportDates(opts.reportsDir)
        .slice(0, limit)
        .flatMap((date) => {
          let r: Report;
          try {
            r = readReport(opts.reportsDir, date);
          } catch (err) {
            unreadable.push({ date, error: (err as Error).message });
            return [];
          }
          const rec = r.reconciliation;
          const breaks =
            rec.decisions.missing +
            rec.decisions.extra +
            rec.decisions.differing +
            (rec.fills ? rec.fills.missing + rec.fills.extra + rec.fills.differing : 0) +
            (rec.pnl.equal ? 0 : 1);
          return [
            {
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
            },
          ];
        });
      return { reports, unreadable };
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
      if (!isCalendarDate(date))
        return reply
          .code(400)
          .send({ error: 'BAD_DATE', message: 'date must be a calendar date YYYY-MM-DD' });
      if (!existsSync(join(opts.reportsDir, date, 'report.json')))
        return reply.code(404).send({ error: 'NOT_FOUND', message: `no report for ${date}` });
      try {
        return reply.send(readReport(opts.reportsDir, date));
      } catch (err) {
        if (!(err instanceof ReportUnreadableError)) throw err;
        return reply.code(422).send({ error: 'REPORT_UNREADABLE', message: err.message });
      }
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
        if (!isCalendarDate(date))
          return reply
            .code(400)
            .send({ error: 'BAD_DATE', message: 'date must be a calendar date YYYY-MM-DD' });
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
