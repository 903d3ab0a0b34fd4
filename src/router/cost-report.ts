import type { Db } from '../db/types.js';

/** Cost figures over a period, for `groundwork costs` and /metrics. */
export interface CostReport {
  since: string;
  until: string;
  queries: { count: number; totalUsd: number; p50Usd: number; p95Usd: number; meanUsd: number };
  perModel: Array<{ model: string; provider: string; calls: number; errors: number; inputTokens: number; outputTokens: number; cachedInputTokens: number; costUsd: number; p50LatencyMs: number; p95LatencyMs: number }>;
  perDay: Array<{ day: string; queries: number; calls: number; costUsd: number }>;
  cacheHits: number;
}

/**
 * Reads the cost ledger: cost per query (calls grouped by request id) at p50/p95, per model, per
 * UTC day. `since` defaults to 30 days before `until` (default now); `tenant` narrows to one tenant.
 */
export async function costReport(db: Db, options: { since?: Date; until?: Date; tenant?: string } = {}): Promise<CostReport> {
  const until = options.until ?? new Date();
  const since = options.since ?? new Date(until.getTime() - 30 * 24 * 3600 * 1000);
  const where = `at >= $1 AND at < $2 AND ($3::text IS NULL OR tenant = $3)`;
  const params = [since, until, options.tenant ?? null];
  const queries = await db.query<CostReport['queries']>(
    `WITH q AS (SELECT request_id, sum(cost_usd) AS cost FROM cost_ledger WHERE ${where} GROUP BY request_id)
     SELECT count(*)::int AS count, coalesce(sum(cost), 0)::float8 AS "totalUsd",
       coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY cost), 0)::float8 AS "p50Usd",
       coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY cost), 0)::float8 AS "p95Usd",
       coalesce(avg(cost), 0)::float8 AS "meanUsd"
     FROM q`,
    params,
  );
  const perModel = await db.query<CostReport['perModel'][number]>(
    `SELECT model, provider, count(*)::int AS calls, count(*) FILTER (WHERE outcome = 'error')::int AS errors,
       sum(input_tokens)::float8 AS "inputTokens", sum(output_tokens)::float8 AS "outputTokens",
       sum(cached_input_tokens)::float8 AS "cachedInputTokens", sum(cost_usd)::float8 AS "costUsd",
       percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms)::float8 AS "p50LatencyMs",
       percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms)::float8 AS "p95LatencyMs"
     FROM cost_ledger WHERE ${where} AND kind <> 'cache' GROUP BY model, provider ORDER BY "costUsd" DESC, model`,
    params,
  );
  const perDay = await db.query<CostReport['perDay'][number]>(
    `SELECT to_char((at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day, count(DISTINCT request_id)::int AS queries,
       count(*)::int AS calls, sum(cost_usd)::float8 AS "costUsd"
     FROM cost_ledger WHERE ${where} GROUP BY 1 ORDER BY 1`,
    params,
  );
  const hits = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM cost_ledger WHERE ${where} AND cache_hit`, params);
  return {
    since: since.toISOString(),
    until: until.toISOString(),
    queries: queries.rows[0],
    perModel: perModel.rows,
    perDay: perDay.rows,
    cacheHits: hits.rows[0].n,
  };
}
