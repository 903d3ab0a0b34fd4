import type { Queryable } from '../db/types.js';

/**
 * Latency histogram buckets: bucket b holds total_ms in (2^((b-1)/4), 2^(b/4)], bucket 0 up to
 * 1 ms, the last one everything above 2^20 ms (17 minutes). Four buckets per doubling keep any
 * percentile within ±9% (2^(1/8)) when read at the bucket's geometric middle.
 */
export const LATENCY_BUCKETS_PER_DOUBLING = 4;
export const LATENCY_LAST_BUCKET = 80;

/** The bucket's SQL expression over a `total_ms` column (same formula as latencyBucket). */
const BUCKET_SQL = `LEAST(${LATENCY_LAST_BUCKET}, GREATEST(0, ceil(${LATENCY_BUCKETS_PER_DOUBLING} * ln(GREATEST(total_ms, 1)::float8) / ln(2::float8))))::smallint`;

/** The bucket of one latency (for tests and for reading histograms back). */
export function latencyBucket(totalMs: number): number {
  return Math.min(LATENCY_LAST_BUCKET, Math.max(0, Math.ceil((LATENCY_BUCKETS_PER_DOUBLING * Math.log(Math.max(totalMs, 1))) / Math.LN2)));
}

/** A bucket's representative latency: the geometric middle of its range (0.5 ms for bucket 0). */
export function bucketLatencyMs(bucket: number): number {
  if (bucket <= 0) return 0.5;
  return 2 ** ((bucket - 0.5) / LATENCY_BUCKETS_PER_DOUBLING);
}

/**
 * The two rollup upserts over a relation of telemetry rows (`source`: a CTE or table name from
 * code, never from a request), as CTE-ready statements. The flush runs them over the rows it has
 * just inserted; rebuildRollups over the telemetry table.
 */
function rollupStatements(source: string, where = ''): { minutes: string; latency: string } {
  const minutes = `INSERT INTO telemetry_minute AS m (tenant, minute, route, requests, errors, decided, refusals, cache_lookups, cache_hits, input_tokens, output_tokens, cost_usd, total_ms)
    SELECT tenant, date_trunc('minute', created_at), route, count(*), count(*) FILTER (WHERE status >= 500),
      count(refused), count(*) FILTER (WHERE refused), count(cache), count(*) FILTER (WHERE cache IN ('exact', 'semantic')),
      COALESCE(sum(input_tokens), 0), COALESCE(sum(output_tokens), 0), COALESCE(sum(cost_usd), 0), COALESCE(sum(total_ms), 0)
    FROM ${source} ${where} GROUP BY 1, 2, 3
    ON CONFLICT (tenant, minute, route) DO UPDATE SET
      requests = m.requests + EXCLUDED.requests, errors = m.errors + EXCLUDED.errors, decided = m.decided + EXCLUDED.decided,
      refusals = m.refusals + EXCLUDED.refusals, cache_lookups = m.cache_lookups + EXCLUDED.cache_lookups,
      cache_hits = m.cache_hits + EXCLUDED.cache_hits, input_tokens = m.input_tokens + EXCLUDED.input_tokens,
      output_tokens = m.output_tokens + EXCLUDED.output_tokens, cost_usd = m.cost_usd + EXCLUDED.cost_usd, total_ms = m.total_ms + EXCLUDED.total_ms`;
  const latency = `INSERT INTO telemetry_minute_latency AS l (tenant, minute, bucket, count)
    SELECT tenant, date_trunc('minute', created_at), ${BUCKET_SQL}, count(*) FROM ${source} ${where} GROUP BY 1, 2, 3
    ON CONFLICT (tenant, minute, bucket) DO UPDATE SET count = l.count + EXCLUDED.count`;
  return { minutes, latency };
}

/** Telemetry columns in insert order (the writer's parameters follow it). */
export const TELEMETRY_COLUMNS = [
  'created_at',
  'request_id',
  'tenant',
  'route',
  'arm',
  'status',
  'total_ms',
  'stage_ms',
  'refused',
  'refusal_reason',
  'cache',
  'model',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'confidence',
  'answerability',
  'query_length',
  'query_terms',
  'top_score',
  'query_embedder',
  'query_projection',
] as const;

/**
 * One statement that inserts `rows` telemetry rows (parameters row by row in TELEMETRY_COLUMNS
 * order) and adds them to both rollups, so rows and rollups never disagree.
 */
export function insertTelemetrySql(rows: number): string {
  const width = TELEMETRY_COLUMNS.length;
  const values = Array.from({ length: rows }, (_, r) => `(${TELEMETRY_COLUMNS.map((_, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
  const { minutes, latency } = rollupStatements('inserted');
  return `WITH inserted AS (
    INSERT INTO telemetry (${TELEMETRY_COLUMNS.join(', ')}) VALUES ${values}
    RETURNING created_at, tenant, route, status, total_ms, refused, cache, input_tokens, output_tokens, cost_usd
  ), minutes AS (${minutes})
  ${latency}`;
}

/**
 * Recomputes the rollups of [from, to) (whole minutes) from the telemetry rows: for rows written
 * by other means than the writer (a bulk load, a benchmark's seed) or after a repair.
 */
export async function rebuildRollups(db: Queryable, range: { from: Date; to: Date }): Promise<void> {
  const where = `WHERE created_at >= date_trunc('minute', $1::timestamptz) AND created_at < date_trunc('minute', $2::timestamptz)`;
  const { minutes, latency } = rollupStatements('telemetry', where);
  const params = [range.from.toISOString(), range.to.toISOString()];
  for (const table of ['telemetry_minute', 'telemetry_minute_latency']) {
    await db.query(`DELETE FROM ${table} WHERE minute >= date_trunc('minute', $1::timestamptz) AND minute < date_trunc('minute', $2::timestamptz)`, params);
  }
  await db.query(minutes, params);
  await db.query(latency, params);
}
