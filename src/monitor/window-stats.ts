import type { Queryable } from '../db/types.js';
import { bucketLatencyMs } from './rollup-sql.js';
import type { LatencyPercentiles, TelemetryRoute, WindowStats } from './types.js';

/** Which rows: one tenant, or every tenant (null). Times are [from, to). */
export interface TelemetryScope {
  tenant: string | null;
  from: Date;
  to: Date;
}

/** WHERE clause and parameters for a scope over a rollup table (minute column). */
export function rollupWhere(scope: TelemetryScope, first = 1): { where: string; params: unknown[] } {
  const params: unknown[] = [scope.from.toISOString(), scope.to.toISOString()];
  let where = `minute >= $${first}::timestamptz AND minute < $${first + 1}::timestamptz`;
  if (scope.tenant !== null) {
    params.push(scope.tenant);
    where += ` AND tenant = $${first + 2}`;
  }
  return { where, params };
}

/** Percentile (q in [0, 1]) of a latency histogram (bucket -> count), read at the bucket's geometric middle. */
export function histogramPercentile(histogram: ReadonlyMap<number, number>, q: number): number | null {
  let total = 0;
  for (const count of histogram.values()) total += count;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket) ?? 0;
    if (seen >= rank) return round(bucketLatencyMs(bucket));
  }
  return null;
}

export function percentiles(histogram: ReadonlyMap<number, number>): LatencyPercentiles | null {
  const p50 = histogramPercentile(histogram, 0.5);
  if (p50 === null) return null;
  return { p50, p95: histogramPercentile(histogram, 0.95) ?? p50, p99: histogramPercentile(histogram, 0.99) ?? p50 };
}

const round = (value: number): number => Math.round(value * 100) / 100;
const rate = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** Counts, rates, cost and latency percentiles of a scope, from the per-minute rollups. */
export async function windowStats(db: Queryable, scope: TelemetryScope): Promise<WindowStats> {
  const { where, params } = rollupWhere(scope);
  const [byRoute, latency] = await Promise.all([
    db.query<{ route: TelemetryRoute; requests: number; errors: number; decided: number; refusals: number; cache_lookups: number; cache_hits: number; input_tokens: number; output_tokens: number; cost_usd: number }>(
      `SELECT route, sum(requests)::float8 AS requests, sum(errors)::float8 AS errors, sum(decided)::float8 AS decided, sum(refusals)::float8 AS refusals,
        sum(cache_lookups)::float8 AS cache_lookups, sum(cache_hits)::float8 AS cache_hits, sum(input_tokens)::float8 AS input_tokens,
        sum(output_tokens)::float8 AS output_tokens, sum(cost_usd)::float8 AS cost_usd
       FROM telemetry_minute WHERE ${where} GROUP BY route`,
      params,
    ),
    db.query<{ bucket: number; count: number }>(`SELECT bucket, sum(count)::float8 AS count FROM telemetry_minute_latency WHERE ${where} GROUP BY bucket`, params),
  ]);
  const stats: WindowStats = {
    requests: 0,
    errors: 0,
    errorRate: null,
    decided: 0,
    refusals: 0,
    refusalRate: null,
    cacheLookups: 0,
    cacheHits: 0,
    cacheHitRate: null,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    costPerQuery: null,
    latencyMs: null,
    byRoute: {},
  };
  for (const row of byRoute.rows) {
    stats.requests += row.requests;
    stats.errors += row.errors;
    stats.decided += row.decided;
    stats.refusals += row.refusals;
    stats.cacheLookups += row.cache_lookups;
    stats.cacheHits += row.cache_hits;
    stats.inputTokens += row.input_tokens;
    stats.outputTokens += row.output_tokens;
    stats.costUsd += row.cost_usd;
    stats.byRoute[row.route] = row.requests;
  }
  stats.errorRate = rate(stats.errors, stats.requests);
  stats.refusalRate = rate(stats.refusals, stats.decided);
  stats.cacheHitRate = rate(stats.cacheHits, stats.cacheLookups);
  stats.costPerQuery = rate(stats.costUsd, stats.requests);
  stats.latencyMs = percentiles(new Map(latency.rows.map((row) => [row.bucket, row.count])));
  return stats;
}

/** Requests in a scope, from the rollups (the drift sample's expected size, without the full stats). */
export async function requestCount(db: Queryable, scope: TelemetryScope): Promise<number> {
  const { where, params } = rollupWhere(scope);
  return (await db.query<{ requests: number }>(`SELECT COALESCE(sum(requests), 0)::float8 AS requests FROM telemetry_minute WHERE ${where}`, params)).rows[0].requests;
}
