import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import type { Db, Queryable } from '../../src/db/types.js';
import { createMonitorMetrics } from '../../src/monitor/monitor-metrics.js';
import { rebuildRollups } from '../../src/monitor/rollup-sql.js';
import { createTelemetryWriter, type TelemetryRecord } from '../../src/monitor/telemetry-writer.js';
import { windowStats } from '../../src/monitor/window-stats.js';
import { createEnglishAnalyzer } from '../../src/search-index/analyzer.js';
import { Registry } from 'prom-client';
import { driverCases } from '../helpers/db-drivers.js';

const cases = await driverCases('monitor_writer');

const row = (i: number, tenant = 'acme'): TelemetryRecord => ({
  at: new Date(Date.UTC(2026, 10, 1, 12, 0, 0) + i * 100),
  requestId: `req-${i}`,
  tenant,
  route: i % 3 === 0 ? 'retrieve' : 'ask',
  status: i % 100 === 99 ? 500 : 200,
  totalMs: 10 + (i % 90),
  stageMs: { retrieve: 4.5, 'leg:sparse': 2 },
  refused: i % 3 === 0 ? undefined : i % 5 === 0,
  refusalReason: i % 5 === 0 ? 'low-confidence' : undefined,
  cache: i % 3 === 0 ? undefined : i % 4 === 0 ? 'semantic' : 'miss',
  model: 'extractive',
  inputTokens: 100,
  outputTokens: 10,
  costUsd: 0.0005,
  confidence: 0.4,
  query: `What is the travel budget for trip ${i}?`,
  topScore: 0.7,
});

describe.each(cases)('telemetry writer ($name)', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await driver.open();
    await migrate(db);
  });
  afterAll(async () => db?.close());

  it('writes every row at normal load, in batches, with rollups that match the rows', async () => {
    const analyzer = createEnglishAnalyzer();
    const writer = createTelemetryWriter({ db, bufferSize: 5_000, flushIntervalMs: 20, batchRows: 250, terms: (text) => analyzer.terms(text) });
    for (let i = 0; i < 1_200; i++) {
      expect(writer.record(row(i))).toBe(true);
      if (i % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await writer.close();
    expect(writer.stats()).toMatchObject({ recorded: 1_200, written: 1_200, pending: 0, dropped: { 'buffer-full': 0, 'write-failed': 0, closed: 0 } });
    const counts = await db.query<{ rows: number; requests: number; histogram: number }>(
      `SELECT (SELECT count(*)::int FROM telemetry WHERE tenant = 'acme') AS rows,
              (SELECT sum(requests)::int FROM telemetry_minute WHERE tenant = 'acme') AS requests,
              (SELECT sum(count)::int FROM telemetry_minute_latency WHERE tenant = 'acme') AS histogram`,
    );
    expect(counts.rows[0]).toEqual({ rows: 1_200, requests: 1_200, histogram: 1_200 });
    const sample = await db.query<{ query_terms: string[]; query_length: number; stage_ms: Record<string, number>; refused: boolean | null }>(
      "SELECT query_terms, query_length, stage_ms, refused FROM telemetry WHERE request_id = 'req-7'",
    );
    expect(sample.rows[0]).toEqual({ query_terms: ['what', 'travel', 'budget', 'trip', '7'], query_length: 'What is the travel budget for trip 7?'.length, stage_ms: { retrieve: 4.5, 'leg:sparse': 2 }, refused: false });

    const stats = await windowStats(db, { tenant: 'acme', from: new Date(Date.UTC(2026, 10, 1)), to: new Date(Date.UTC(2026, 10, 2)) });
    expect(stats.requests).toBe(1_200);
    expect(stats.errors).toBe(12);
    expect(stats.errorRate).toBeCloseTo(0.01);
    expect(stats.byRoute).toEqual({ ask: 800, retrieve: 400 });
    expect(stats.decided).toBe(800);
    expect(stats.refusals).toBe(160);
    expect(stats.cacheLookups).toBe(800);
    expect(stats.costUsd).toBeCloseTo(0.6);
    // The rows' median latency is 53 ms (600th of 1,200); the histogram's is within ±9% of it.
    expect(stats.latencyMs!.p50).toBeGreaterThan(53 / 1.09);
    expect(stats.latencyMs!.p50).toBeLessThan(53 * 1.09);

    // Rebuilding the rollups from the rows gives the same figures.
    await rebuildRollups(db, { from: new Date(Date.UTC(2026, 10, 1)), to: new Date(Date.UTC(2026, 10, 2)) });
    const rebuilt = await windowStats(db, { tenant: 'acme', from: new Date(Date.UTC(2026, 10, 1)), to: new Date(Date.UTC(2026, 10, 2)) });
    expect(rebuilt.costUsd).toBeCloseTo(stats.costUsd, 12);
    expect({ ...rebuilt, costUsd: 0, costPerQuery: 0 }).toEqual({ ...stats, costUsd: 0, costPerQuery: 0 });
  });

  it('under overload never waits: a stalled database fills the buffer, further rows are dropped and counted', async () => {
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    const slow: Queryable = {
      query: async (sql, params, options) => {
        await stalled;
        return db.query(sql, params, options);
      },
      exec: (sql) => db.exec(sql),
    };
    const registry = new Registry();
    const metrics = createMonitorMetrics(registry);
    const writer = createTelemetryWriter({ db: slow, bufferSize: 100, flushIntervalMs: 10, batchRows: 50, onDropped: (reason, rows) => metrics.telemetryDropped(reason, rows) });
    const started = performance.now();
    let accepted = 0;
    for (let i = 0; i < 10_000; i++) if (writer.record(row(i, 'overload'))) accepted++;
    const elapsed = performance.now() - started;
    // 10,000 record() calls while every write hangs: they return at once (no await anywhere).
    expect(elapsed).toBeLessThan(1_000);
    expect(accepted).toBe(100);
    expect(writer.stats().dropped['buffer-full']).toBe(9_900);
    expect(await registry.getSingleMetricAsString('groundwork_telemetry_dropped_total')).toContain('groundwork_telemetry_dropped_total{reason="buffer-full"} 9900');
    release();
    await writer.close();
    expect(writer.stats()).toMatchObject({ recorded: 10_000, written: 100, pending: 0 });
    const written = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM telemetry WHERE tenant = 'overload'");
    expect(written.rows[0].n).toBe(100);
    expect(writer.record(row(1, 'overload'))).toBe(false);
    expect(writer.stats().dropped.closed).toBe(1);
  });

  it('flush and close return with nothing buffered, also after a flush', async () => {
    const writer = createTelemetryWriter({ db, bufferSize: 10, flushIntervalMs: 10_000 });
    await writer.flush();
    writer.record(row(1, 'empty'));
    await writer.flush();
    await writer.flush();
    await writer.close();
    await writer.close();
    expect(writer.stats()).toMatchObject({ recorded: 1, written: 1, pending: 0 });
  });

  it('a failed write drops its batch, counts it and reports the error', async () => {
    const errors: unknown[] = [];
    const broken: Queryable = { query: async () => Promise.reject(new Error('database is gone')), exec: async () => undefined };
    const writer = createTelemetryWriter({ db: broken, bufferSize: 100, flushIntervalMs: 10_000, onError: (error) => errors.push(error) });
    for (let i = 0; i < 5; i++) writer.record(row(i, 'broken'));
    await writer.close();
    expect(writer.stats().dropped['write-failed']).toBe(5);
    expect(String(errors[0])).toContain('database is gone');
  });
});
