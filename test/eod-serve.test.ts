import { join } from 'node:path';
import { Bus, encode, subjects } from '@tickflow/bus';
import { eodServeSpec, eodSpec, runEod, startEodServer } from '@tickflow/eod';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DATE, FIXTURE_REJECTS, FIXTURE_TICKS } from './eod-fixture.ts';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';

describe('tickflow eod serve (real nats-server, real DuckDB)', () => {
  let nats: TestNats;
  let server: Awaited<ReturnType<typeof startEodServer>>;
  const get = async (path: string) => {
    const r = await fetch(`http://127.0.0.1:${server.port}${path}`);
    return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
  };

  beforeAll(async () => {
    nats = await startTestNats();
    const bus = await Bus.connect({ url: nats.url, name: 'eod-serve-test' });
    await bus.ensureStreams();
    for (const t of FIXTURE_TICKS) await bus.js.publish(subjects.tick(t.venue, t.symbol), encode(t));
    for (const r of FIXTURE_REJECTS) await bus.js.publish(subjects.reject(r.venue), encode(r));
    await bus.drain();
    // The clock starts 300 ms before the session close that ends the fixture's date, at its first
    // reading (the scheduler's): a slow start-up on a loaded machine must not pass the close first.
    const start = Date.parse(`${FIXTURE_DATE}T00:00:00Z`) + 86_400_000 + 5 * 60_000 - 300;
    let t0: number | undefined;
    const config = resolveConfig(
      eodServeSpec,
      { port: '0', close: '00:05', dataDir: join(nats.dir, 'data'), reportsDir: join(nats.dir, 'reports') },
      { NATS_URL: nats.url },
    );
    server = await startEodServer(config, createLogger('test', 'silent'), () => {
      t0 ??= Date.now();
      return start + (Date.now() - t0);
    });
  });
  afterAll(async () => {
    await server?.close();
    await nats?.stop();
  });

  it('runs the date at its session close and lists its report', async () => {
    expect(server.scheduler.next?.date).toBe(FIXTURE_DATE);
    await waitFor('the scheduled run', () => server.scheduler.runs[0]?.finishedAt !== undefined, 30_000);
    expect(server.scheduler.runs[0]).toMatchObject({ date: FIXTURE_DATE, ok: true, clean: true });
    const list = JSON.parse((await get('/v1/reports')).body) as {
      reports: { date: string; clean: boolean }[];
    };
    expect(list.reports).toEqual([
      expect.objectContaining({ date: FIXTURE_DATE, clean: true, ticks: 12, fills: 0, breaks: 0 }),
    ]);
    expect(server.scheduler.next?.date).not.toBe(FIXTURE_DATE);
  });

  it('serves a report as JSON and HTML, 400 for a malformed date and 404 for a missing one', async () => {
    const json = await get(`/v1/reports/${FIXTURE_DATE}`);
    expect(json.status).toBe(200);
    expect(JSON.parse(json.body)).toMatchObject({ date: FIXTURE_DATE, schema: 'tickflow.eod-report/v1' });
    const html = await get(`/reports/${FIXTURE_DATE}/report.html`);
    expect([html.status, html.type]).toEqual([200, 'text/html; charset=utf-8']);
    expect((await get('/v1/reports/2026-3-2')).status).toBe(400);
    expect((await get('/v1/reports/2020-01-01')).status).toBe(404);
    expect((await get('/reports/..%2f..%2fetc/report.html')).status).toBe(400);
  });

  it('loads only the ticks of a configured session, in its own time zone', async () => {
    // 2026-03-02 is winter time in New York (UTC-5): 08:30-08:35 there is 13:30-13:35 UTC.
    const from = Date.parse(`${FIXTURE_DATE}T13:30:00Z`) * 1000;
    const to = Date.parse(`${FIXTURE_DATE}T13:35:00Z`) * 1000;
    // Distinct venue+symbol+seq: BBB's seq 2, stored twice, is loaded once.
    const expected = new Set(
      FIXTURE_TICKS.filter((t) => t.ts >= from && t.ts < to).map((t) => `${t.symbol}/${t.seq}`),
    ).size;
    const config = resolveConfig(
      eodSpec,
      {
        date: FIXTURE_DATE,
        sessionTz: 'America/New_York',
        sessionOpen: '08:30',
        sessionClose: '08:35',
        db: join(nats.dir, 'session.duckdb'),
        reportsDir: join(nats.dir, 'session-reports'),
        skipArchive: 'true',
      },
      { NATS_URL: nats.url },
    );
    const { report } = await runEod(config, createLogger('test', 'silent'));
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(FIXTURE_TICKS.length);
    expect(report.load.ticks).toBe(expected);
    await expect(runEod({ ...config, fromLog: true }, createLogger('test', 'silent'))).rejects.toThrow(
      /--from-log loads UTC days/,
    );
    await expect(
      runEod({ ...config, sessionTz: 'Mars/Olympus' }, createLogger('test', 'silent')),
    ).rejects.toThrow(/unknown time zone/);
  });

  it('reports its health and runs', async () => {
    expect(JSON.parse((await get('/healthz')).body)).toMatchObject({ status: 'ok' });
    const runs = JSON.parse((await get('/v1/runs')).body) as { runs: unknown[]; next: { date: string } };
    expect(runs.runs).toHaveLength(1);
    expect(runs.next.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
