import type { Queryable } from '../db/types.js';

/** The answer routes whose requests an arm serves (telemetry.route). */
export const ANSWER_ROUTES = ['ask', 'ask-stream', 'chat-completions', 'mcp'] as const;

/** One arm's live figures over a time range, from telemetry joined with feedback. */
export interface ArmMetrics {
  arm: string;
  requests: number;
  errors: number;
  /** Share of requests that ended with a 5xx status. */
  errorRate: number;
  refusals: number;
  refusalRate: number;
  p95Ms: number;
  costPerQuery: number;
  /** Requests with a thumbs rating (POST /v1/feedback). */
  rated: number;
  positive: number;
  /** The primary metric: positive ratings over rated requests (0 when none are rated). */
  positiveRate: number;
}

/**
 * An arm's figures for a tenant over [since, until): requests of the answer routes that telemetry
 * recorded with this arm, and the ratings given to them (feedback joined on tenant and request id).
 * The query names the tenant on both tables: no figure mixes tenants.
 */
export async function armMetrics(q: Queryable, tenant: string, arm: string, since: Date, until: Date): Promise<ArmMetrics> {
  const { rows } = await q.query<{ requests: number; errors: number; refusals: number; p95_ms: number; cost: number; rated: number; positive: number }>(
    `SELECT count(*)::int AS requests,
            count(*) FILTER (WHERE t.status >= 500)::int AS errors,
            count(*) FILTER (WHERE t.refused)::int AS refusals,
            coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY t.total_ms), 0)::float8 AS p95_ms,
            coalesce(avg(t.cost_usd), 0)::float8 AS cost,
            count(f.request_id)::int AS rated,
            count(f.request_id) FILTER (WHERE f.rating = 1)::int AS positive
       FROM telemetry t
       LEFT JOIN feedback f ON f.tenant = t.tenant AND f.request_id = t.request_id
      WHERE t.tenant = $1 AND t.arm = $2 AND t.created_at >= $3 AND t.created_at < $4 AND t.route = ANY($5::text[])`,
    [tenant, arm, since, until, [...ANSWER_ROUTES]],
  );
  const r = rows[0];
  const rate = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
  return {
    arm,
    requests: r.requests,
    errors: r.errors,
    errorRate: rate(r.errors, r.requests),
    refusals: r.refusals,
    refusalRate: rate(r.refusals, r.requests),
    p95Ms: Number(r.p95_ms),
    costPerQuery: Number(r.cost),
    rated: r.rated,
    positive: r.positive,
    positiveRate: rate(r.positive, r.rated),
  };
}
