import type { Queryable } from '../db/types.js';
import { hourIndex, splitSettledHours, type MonitorCache } from './monitor-cache.js';
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

/** Sums of one route's rollup rows. */
interface RouteSums {
  requests: number;
  errors: number;
  decided: number;
  refusals: number;
  cache_lookups: number;
  cache_hits: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

/** A scope's rollup sums before rates and percentiles: what adds up across hours. */
interface RawStats {
  routes: Map<TelemetryRoute, RouteSums>;
  latency: Map<number, number>;
}

const SUM_COLUMNS = `sum(requests)::float8 AS requests, sum(errors)::float8 AS errors, sum(decided)::float8 AS decided, sum(refusals)::float8 AS refusals,
  sum(cache_lookups)::float8 AS cache_lookups, sum(cache_hits)::float8 AS cache_hits, sum(input_tokens)::float8 AS input_tokens,
  sum(output_tokens)::float8 AS output_tokens, sum(cost_usd)::float8 AS cost_usd`;
// date_part gives float8 (see monitor-series.ts): the hour since the epoch, whatever the session's time zone.
const HOUR_SQL = `floor(date_part('epoch', minute) / 3600)::float8`;

const emptyRaw = (): RawStats => ({ routes: new Map(), latency: new Map() });

function addRaw(into: RawStats, from: RawStats): void {
  for (const [route, sums] of from.routes) {
    const known = into.routes.get(route);
    if (!known) into.routes.set(route, { ...sums });
    else for (const key of Object.keys(sums) as Array<keyof RouteSums>) known[key] += sums[key];
  }
  for (const [bucket, count] of from.latency) into.latency.set(bucket, (into.latency.get(bucket) ?? 0) + count);
}

/** Rollup sums of a scope, split by hour when `byHour` (keys: hours since the epoch; else one key, 0). */
async function queryRaw(db: Queryable, scope: TelemetryScope, byHour: boolean): Promise<Map<number, RawStats>> {
  const { where, params } = rollupWhere(scope);
  const hour = byHour ? HOUR_SQL : '0::float8';
  const groupBy = byHour ? '1, 2' : '2';
  const [byRoute, latency] = await Promise.all([
    db.query<RouteSums & { hour: number; route: TelemetryRoute }>(`SELECT ${hour} AS hour, route, ${SUM_COLUMNS} FROM telemetry_minute WHERE ${where} GROUP BY ${groupBy}`, params),
    db.query<{ hour: number; bucket: number; count: number }>(`SELECT ${hour} AS hour, bucket, sum(count)::float8 AS count FROM telemetry_minute_latency WHERE ${where} GROUP BY ${groupBy}`, params),
  ]);
  const result = new Map<number, RawStats>();
  const at = (key: number): RawStats => {
    let raw = result.get(key);
    if (!raw) result.set(key, (raw = emptyRaw()));
    return raw;
  };
  for (const { hour: key, route, ...sums } of byRoute.rows) at(key).routes.set(route, sums);
  for (const row of latency.rows) at(row.hour).latency.set(row.bucket, row.count);
  return result;
}

/**
 * Counts, rates, cost and latency percentiles of a scope, from the per-minute rollups. With a
 * cache, settled whole hours are read once (one query for all the missing ones) and the partial
 * hours at the edges each time.
 */
export async function windowStats(db: Queryable, scope: TelemetryScope, cache?: MonitorCache, now = new Date()): Promise<WindowStats> {
  if (!cache) return finishStats((await queryRaw(db, scope, false)).get(0) ?? emptyRaw());
  const split = splitSettledHours(scope.from, scope.to, now);
  const key = (hour: Date) => `stats|${scope.tenant ?? '*'}|${hourIndex(hour)}`;
  // The cached hours are taken first: storing the missing ones may evict some of them.
  const known = new Map(split.hours.map((hour) => [hourIndex(hour), cache.get<RawStats>(key(hour))]));
  const missing = split.hours.filter((hour) => known.get(hourIndex(hour)) === undefined);
  const [filled, ...edges] = await Promise.all([
    missing.length > 0 ? queryRaw(db, { tenant: scope.tenant, from: missing[0], to: new Date(missing[missing.length - 1].getTime() + 3_600_000) }, true) : Promise.resolve(new Map<number, RawStats>()),
    ...split.edges.map((edge) => queryRaw(db, { tenant: scope.tenant, ...edge }, false)),
  ]);
  // Every hour of the span read is stored, an hour without traffic as empty sums.
  for (const hour of missing) cache.set(key(hour), filled.get(hourIndex(hour)) ?? emptyRaw());
  const total = emptyRaw();
  for (const hour of split.hours) addRaw(total, known.get(hourIndex(hour)) ?? filled.get(hourIndex(hour)) ?? emptyRaw());
  for (const edge of edges) addRaw(total, edge.get(0) ?? emptyRaw());
  return finishStats(total);
}

/** Rates and percentiles of summed rollups. */
function finishStats(raw: RawStats): WindowStats {
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
  for (const [route, row] of [...raw.routes].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    stats.requests += row.requests;
    stats.errors += row.errors;
    stats.decided += row.decided;
    stats.refusals += row.refusals;
    stats.cacheLookups += row.cache_lookups;
    stats.cacheHits += row.cache_hits;
    stats.inputTokens += row.input_tokens;
    stats.outputTokens += row.output_tokens;
    stats.costUsd += row.cost_usd;
    stats.byRoute[route] = row.requests;
  }
  stats.errorRate = rate(stats.errors, stats.requests);
  stats.refusalRate = rate(stats.refusals, stats.decided);
  stats.cacheHitRate = rate(stats.cacheHits, stats.cacheLookups);
  stats.costPerQuery = rate(stats.costUsd, stats.requests);
  stats.latencyMs = percentiles(raw.latency);
  return stats;
}

/** Requests in a scope, from the rollups (the drift sample's expected size, without the full stats). */
export async function requestCount(db: Queryable, scope: TelemetryScope): Promise<number> {
  const { where, params } = rollupWhere(scope);
  return (await db.query<{ requests: number }>(`SELECT COALESCE(sum(requests), 0)::float8 AS requests FROM telemetry_minute WHERE ${where}`, params)).rows[0].requests;
}
