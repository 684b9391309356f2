import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { HttpApp } from '@tickflow/runtime';
import { Type } from 'typebox';
import { DATE, latestReport, REPORT_FILES, REPORT_TYPES } from '../reports.ts';

const LatestBody = Type.Object({
  latest: Type.Union([
    Type.Object({ date: Type.String(), files: Type.Array(Type.String()), href: Type.String() }),
    Type.Null(),
  ]),
});

/**
 * The end-of-day reports eod wrote under --reports-dir: `/v1/dashboard/report` names the newest,
 * `/reports/<date>/report.{html,md,json}` serves one. Only those names are served (no paths).
 */
export function reportsRoutes(reportsDir: string) {
  const root = resolve(reportsDir);
  return async (app: HttpApp) => {
    app.get('/v1/dashboard/report', { schema: { response: { 200: LatestBody } } }, async () => {
      const latest = await latestReport(root);
      return {
        latest: latest && { ...latest, href: `/reports/${latest.date}/${latest.files[0]}` },
      };
    });

    app.get(
      '/reports/:date/:file',
      {
        schema: {
          params: Type.Object({
            date: Type.String({ pattern: DATE.source }),
            file: Type.Union(REPORT_FILES.map((f) => Type.Literal(f))),
          }),
          // No response schema: the body is a file stream (the 404 is ErrorBody-shaped).
        },
      },
      async (req, reply) => {
        const path = join(root, req.params.date, req.params.file);
        try {
          if (!(await stat(path)).isFile()) throw new Error('not a file');
        } catch {
          return reply
            .code(404)
            .send({ error: 'NO_REPORT', message: `no ${req.params.file} for ${req.params.date}` });
        }
        return reply
          .type(REPORT_TYPES[req.params.file] ?? 'application/octet-stream')
          .send(createReadStream(path));
      },
    );
  };
}
