// Monitor benchmark on PostgreSQL: `monitor check` over 1M telemetry rows (target <= 5 s) and the
// dashboard's data requests (series, report) at that size (target p95 <= 200 ms).
// Run: node --import tsx bench/monitor.ts [--rows 1000000] [--tenants 3] [--requests 30] [--reuse]
// Rows are seeded in SQL (generate_series) over the last 8 days into the bench's own database
// (gw_bench_monitor on BENCH_PG_ADMIN's server; tests never touch it), then rolled up per minute.
// --reuse keeps an already seeded database. Prints one JSON document.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { migrate, openPgDb } from '../src/db/index.js';
import { runMonitorChecks } from '../src/monitor/monitor-check.js';
import { monitorOptionsSchema } from '../src/monitor/monitor-options.js';
import { monitorReport } from '../src/monitor/monitor-report.js';
import { monitorSeries, parseSeriesStep } from '../src/monitor/monitor-series.js';
import { rebuildRollups } from '../src/monitor/rollup-sql.js';
import type { MonitorWindow } from '../src/monitor/types.js';
import { benchDatabase } from './bench-database.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, tenants: { type: 'string', default: '3' }, requests: { type: 'string', default: '30' }, reuse: { type: 'boolean', default: false } } });
const rows = Number(values.rows);
const tenants = Number(values.tenants);
const requests = Number(values.requests);
const DAY = 86_400_000;

const db = await openPgDb({ connectionString: await benchDatabase('gw_bench_monitor', { mode: values.reuse ? 'reuse' : 'fresh' }) });
await migrate(db);
const now = new Date();
const seeded = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM telemetry')).rows[0].n;
let seedMs: number | null = null;
if (seeded !== rows) {
  await db.exec('TRUNCATE telemetry, telemetry_minute, telemetry_minute_latency, monitor_alerts');
  const started = performance.now();
  // Row i: evenly over the last 8 days; its tenant, route and outcome from i; latency, length and
  // scores from random(); 0.5% errors; the last day's query lengths a little longer (some drift to find).
  await db.query(
    `INSERT INTO telemetry (created_at, request_id, tenant, route, status, total_ms, stage_ms, refused, refusal_reason, cache, model,
       input_tokens, output_tokens, cost_usd, confidence, answerability, query_length, query_terms, top_score)
     SELECT $1::timestamptz - (i * (8 * 86400.0 / $2)) * interval '1 second',
       'req-' || i, 't' || (i % $3), (ARRAY['ask', 'ask', 'ask', 'ask-stream', 'retrieve', 'chat-completions'])[1 + i % 6],
       CASE WHEN i % 200 = 0 THEN 500 ELSE 200 END,
       exp(3 + random() * 2.5), '{"retrieve": 5.0, "generation": 30.0}'::jsonb,
       CASE WHEN i % 6 = 4 THEN NULL ELSE i % 9 = 0 END, CASE WHEN i % 6 <> 4 AND i % 9 = 0 THEN 'low-confidence' END,
       CASE WHEN i % 6 = 4 THEN NULL WHEN i % 5 = 0 THEN 'exact' ELSE 'miss' END, 'extractive',
       400 + i % 300, 40 + i % 60, 0.0004, random(), random(),
       (40 + random() * 40 + CASE WHEN i < $2 / 8 THEN 8 ELSE 0 END)::int,
       ARRAY[(ARRAY['travel', 'budget', 'warranti', 'drill', 'refund', 'polici', 'meal', 'flight'])[1 + i % 8], (ARRAY['how', 'what', 'when'])[1 + i % 3]],
       random()
     FROM generate_series(0, $2 - 1) AS i`,
    [now.toISOString(), rows, tenants],
  );
  await rebuildRollups(db, { from: new Date(now.getTime() - 9 * DAY), to: new Date(now.getTime() + 60_000) });
  // What autovacuum does on a live server: statistics, and the visibility map for index-only scans.
  for (const table of ['telemetry', 'telemetry_minute', 'telemetry_minute_latency']) await db.exec(`VACUUM ANALYZE ${table}`);
  seedMs = Math.round(performance.now() - started);
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
async function timed(label: string, fn: () => Promise<unknown>): Promise<{ label: string; p50Ms: number; p95Ms: number; maxMs: number; runs: number }> {
  await fn(); // warm: plans cached, V8 optimized
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { label, p50Ms: round(quantile(times, 0.5)), p95Ms: round(quantile(times, 0.95)), maxMs: round(times[times.length - 1]), runs: times.length };
}

const checks: Record<string, unknown> = {};
for (const windows of [['1h', '1d'], ['1h', '1d', '7d']] as MonitorWindow[][]) {
  const options = monitorOptionsSchema.parse({ windows, retentionDays: 30 });
  await db.exec('TRUNCATE monitor_alerts');
  const times: number[] = [];
  let last: Awaited<ReturnType<typeof runMonitorChecks>> | undefined;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    last = await runMonitorChecks(db, { options, now, log: () => {} });
    times.push(performance.now() - started);
  }
  checks[windows.join('+')] = { runsMs: times.map((t) => Math.round(t)), tenants: last!.tenants.length, openAlerts: last!.open.map((a) => `${a.tenant}:${a.key}:${a.severity}`) };
}

const options = monitorOptionsSchema.parse({});
const dashboard = [
  await timed('series 1d (15m steps), one tenant', () => monitorSeries(db, { tenant: 't0', window: '1d', stepSeconds: parseSeriesStep(undefined, '1d') })),
  await timed('series 1d (15m steps), all tenants (admin)', () => monitorSeries(db, { tenant: null, window: '1d', stepSeconds: parseSeriesStep(undefined, '1d') })),
  await timed('series 7d (1h steps), one tenant', () => monitorSeries(db, { tenant: 't0', window: '7d', stepSeconds: parseSeriesStep(undefined, '7d') })),
  await timed('series 1h (1m steps), one tenant', () => monitorSeries(db, { tenant: 't0', window: '1h', stepSeconds: parseSeriesStep(undefined, '1h') })),
  await timed('report 1d, one tenant', () => monitorReport(db, { tenant: 't0', window: '1d', options })),
];
const sizes = (
  await db.query<{ telemetry: number; minutes: number; latency: number }>(
    'SELECT (SELECT count(*)::int FROM telemetry) AS telemetry, (SELECT count(*)::int FROM telemetry_minute) AS minutes, (SELECT count(*)::int FROM telemetry_minute_latency) AS latency',
  )
).rows[0];
await db.close();
console.log(JSON.stringify({ bench: 'monitor', backend: 'postgres', rows: sizes, tenants, seedMs, checks, dashboard, targets: { checkMs: 5000, dashboardP95Ms: 200 } }, null, 2));
