// Monitor benchmark on PostgreSQL: `monitor check` over 1M telemetry rows (target <= 5 s) and the
// dashboard's data requests (series, report) at that size (target p95 <= 200 ms).
// Run: node --import tsx bench/monitor.ts [--rows 1000000] [--tenants 3] [--requests 30] [--reuse]
// Rows are seeded in SQL (generate_series) over the last 8 days into the bench's own database
// (gw_bench_monitor on BENCH_PG_ADMIN's server; tests never touch it), then rolled up per minute;
// every row carries a query-embedding projection (the last day's shifted a little). --reuse keeps
// an already seeded database. The report is timed as the server serves it (with the routes' cache
// of settled hours: `firstMs` is the cold call that fills it) and as the CLI does (no cache).
//
// Telemetry's throughput cost (target <= 3%, p99 unchanged within noise):
//   node --import tsx bench/monitor.ts --telemetry-cost [--pairs 10] [--seconds 5] [--connections 50] [--chunks 10000]
// starts two servers of bench/http.ts (its --serve mode, one with telemetry on, one off, on its
// database), then runs `--pairs` pairs of `--seconds`-long /v1/retrieve loads, on and off in a
// random order within each pair, and reports the median of the per-pair throughput ratios
// (on / off) with its bootstrap 95% interval: machine noise that drifts over minutes hits both
// halves of a pair alike, and the median ignores a pair that a burst of other work spoiled.
// Prints one JSON document.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { migrate, openPgDb } from '../src/db/index.js';
import { runMonitorChecks } from '../src/monitor/monitor-check.js';
import { monitorOptionsSchema } from '../src/monitor/monitor-options.js';
import { createMonitorCache } from '../src/monitor/monitor-cache.js';
import { monitorReport } from '../src/monitor/monitor-report.js';
import { monitorSeries, parseSeriesStep } from '../src/monitor/monitor-series.js';
import { rebuildRollups } from '../src/monitor/rollup-sql.js';
import type { MonitorWindow } from '../src/monitor/types.js';
import { benchDatabase } from './bench-database.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    tenants: { type: 'string', default: '3' },
    requests: { type: 'string', default: '30' },
    reuse: { type: 'boolean', default: false },
    'telemetry-cost': { type: 'boolean', default: false },
    pairs: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    chunks: { type: 'string', default: '10000' },
  },
});
if (values['telemetry-cost']) {
  const { telemetryCost } = await import('./telemetry-cost.js');
  console.log(JSON.stringify(await telemetryCost({ pairs: Number(values.pairs), seconds: Number(values.seconds), connections: Number(values.connections), chunks: Number(values.chunks) }), null, 2));
  process.exit(0);
}
const rows = Number(values.rows);
const tenants = Number(values.tenants);
const requests = Number(values.requests);
const DAY = 86_400_000;

const db = await openPgDb({ connectionString: await benchDatabase('gw_bench_monitor', { mode: values.reuse ? 'reuse' : 'fresh' }) });
await migrate(db);
const now = new Date();
const seeded = (await db.query<{ n: number; embedded: number }>('SELECT count(*)::int AS n, count(query_projection)::int AS embedded FROM telemetry')).rows[0];
let seedMs: number | null = null;
if (seeded.n !== rows || seeded.embedded !== rows) {
  await db.exec('TRUNCATE telemetry, telemetry_minute, telemetry_minute_latency, monitor_alerts');
  const started = performance.now();
  // Row i: evenly over the last 8 days; its tenant, route and outcome from i; latency, length and
  // scores from random(); 0.5% errors; the last day's query lengths a little longer (some drift to
  // find); 16 projection coordinates from random() (the shape of a normalized 384-dimension
  // embedding's: about ±1/sqrt(384)), the last day's moved by half a spread on each. (`0 * g` keeps
  // the aggregate in the subquery: with only the outer `i` in it, it would aggregate the outer query.)
  await db.query(
    `INSERT INTO telemetry (created_at, request_id, tenant, route, status, total_ms, stage_ms, refused, refusal_reason, cache, model,
       input_tokens, output_tokens, cost_usd, confidence, answerability, query_length, query_terms, top_score, query_embedder, query_projection)
     SELECT $1::timestamptz - (i * (8 * 86400.0 / $2)) * interval '1 second',
       'req-' || i, 't' || (i % $3), (ARRAY['ask', 'ask', 'ask', 'ask-stream', 'retrieve', 'chat-completions'])[1 + i % 6],
       CASE WHEN i % 200 = 0 THEN 500 ELSE 200 END,
       exp(3 + random() * 2.5), '{"retrieve": 5.0, "generation": 30.0}'::jsonb,
       CASE WHEN i % 6 = 4 THEN NULL ELSE i % 9 = 0 END, CASE WHEN i % 6 <> 4 AND i % 9 = 0 THEN 'low-confidence' END,
       CASE WHEN i % 6 = 4 THEN NULL WHEN i % 5 = 0 THEN 'exact' ELSE 'miss' END, 'extractive',
       400 + i % 300, 40 + i % 60, 0.0004, random(), random(),
       (40 + random() * 40 + CASE WHEN i < $2 / 8 THEN 8 ELSE 0 END)::int,
       ARRAY[(ARRAY['travel', 'budget', 'warranti', 'drill', 'refund', 'polici', 'meal', 'flight'])[1 + i % 8], (ARRAY['how', 'what', 'when'])[1 + i % 3]],
       random(), 'bench:random@1/384',
       (SELECT array_agg(((random() - 0.5) * 0.1 + 0 * g + CASE WHEN i < $2 / 8 THEN 0.015 ELSE 0 END)::real ORDER BY g) FROM generate_series(1, 16) AS g WHERE i >= 0)
     FROM generate_series(0, $2 - 1) AS i`,
    [now.toISOString(), rows, tenants],
  );
  await rebuildRollups(db, { from: new Date(now.getTime() - 9 * DAY), to: new Date(now.getTime() + 60_000) });
  // What autovacuum does on a live server: statistics, and the visibility map for index-only scans.
  for (const table of ['telemetry', 'telemetry_minute', 'telemetry_minute_latency']) await db.exec(`VACUUM ANALYZE ${table}`);
  seedMs = Math.round(performance.now() - started);
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
async function timed(label: string, fn: () => Promise<unknown>): Promise<{ label: string; firstMs: number; p50Ms: number; p95Ms: number; maxMs: number; runs: number }> {
  const first = performance.now();
  await fn(); // warm: plans cached, V8 optimized (and a cache filled): reported as firstMs
  const firstMs = Math.round((performance.now() - first) * 10) / 10;
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { label, firstMs, p50Ms: round(quantile(times, 0.5)), p95Ms: round(quantile(times, 0.95)), maxMs: round(times[times.length - 1]), runs: times.length };
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
const reportCache = createMonitorCache();
const dashboard = [
  await timed('series 1d (15m steps), one tenant', () => monitorSeries(db, { tenant: 't0', window: '1d', stepSeconds: parseSeriesStep(undefined, '1d') })),
  await timed('series 1d (15m steps), all tenants (admin)', () => monitorSeries(db, { tenant: null, window: '1d', stepSeconds: parseSeriesStep(undefined, '1d') })),
  await timed('series 7d (1h steps), one tenant', () => monitorSeries(db, { tenant: 't0', window: '7d', stepSeconds: parseSeriesStep(undefined, '7d') })),
  await timed('series 1h (1m steps), one tenant', () => monitorSeries(db, { tenant: 't0', window: '1h', stepSeconds: parseSeriesStep(undefined, '1h') })),
  await timed('report 1d, one tenant (server: settled hours cached)', () => monitorReport(db, { tenant: 't0', window: '1d', options, cache: reportCache })),
  await timed('report 7d, one tenant (server: settled hours cached)', () => monitorReport(db, { tenant: 't0', window: '7d', options, cache: reportCache })),
  await timed('report 1d, all tenants (admin; server: settled hours cached)', () => monitorReport(db, { tenant: null, window: '1d', options, cache: reportCache })),
  await timed('report 1d, one tenant, no cache (CLI)', () => monitorReport(db, { tenant: 't0', window: '1d', options })),
];
const sizes = (
  await db.query<{ telemetry: number; minutes: number; latency: number }>(
    'SELECT (SELECT count(*)::int FROM telemetry) AS telemetry, (SELECT count(*)::int FROM telemetry_minute) AS minutes, (SELECT count(*)::int FROM telemetry_minute_latency) AS latency',
  )
).rows[0];
await db.close();
const machine = { cpus: cpus().length, loadAverage1m: loadavg()[0], note: 'timings depend on the machine and its load: compare runs on the same machine only' };
console.log(JSON.stringify({ bench: 'monitor', backend: 'postgres', machine, rows: sizes, tenants, seedMs, checks, dashboard, targets: { checkMs: 5000, dashboardP95Ms: 200 } }, null, 2));
