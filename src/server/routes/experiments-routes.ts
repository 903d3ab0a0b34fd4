import type { Hono } from 'hono';
import { z } from 'zod';
import { GroundworkError } from '../../errors.js';
import { parseExperimentId } from '../../eval/experiment-record.js';
import { createExperimentStore, type ExperimentStore } from '../../eval/experiment-store.js';
import { renderHtmlReport } from '../../eval/html-report.js';
import { resolveEvalOptions } from '../../eval/run-record.js';
import { buildExperimentReport } from '../../eval/run-report.js';
import type { AppEnv, Principal, RouteDeps } from '../app-env.js';
import { parseQuery } from '../parse-input.js';
import { assertTenantName } from '../../config/tenant-name.js';

/** Query of `GET /v1/experiments`. */
export const experimentListQuerySchema = z
  .object({
    tenant: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(50),
  })
  .strict();

/**
 * The Content-Security-Policy of an HTML report: it is self-contained (inline CSS and SVG, no
 * scripts, no external requests), so it may load nothing and run nothing; `sandbox` also gives
 * it an origin of its own should it be opened directly.
 */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

/**
 * Which experiments a caller sees. Experiments are recorded by `groundwork eval run` under a
 * tenant: a tenant's key sees that tenant's; an admin key, and a server without auth (where the
 * CLI's view is the whole store anyway), see every tenant's, optionally narrowed with `?tenant=`.
 * Returns the tenant to filter by, or undefined for all.
 */
function visibleTenant(principal: Principal, requested: string | undefined): string | undefined {
  if (requested !== undefined) assertTenantName(requested);
  if (principal.kind === 'anonymous' || principal.admin) return requested;
  if (requested !== undefined && requested !== principal.tenant) {
    throw new GroundworkError('FORBIDDEN', `this API key belongs to another tenant and cannot read the experiments of tenant "${requested}"`, { details: { tenant: requested } });
  }
  return principal.tenant;
}

/** The store, reading only what the caller may see: another tenant's experiment is a 404, as if absent. */
function scopedStore(store: ExperimentStore, principal: Principal): Pick<ExperimentStore, 'get'> {
  const tenant = visibleTenant(principal, undefined);
  return {
    async get(id) {
      const record = await store.get(id);
      if (tenant !== undefined && record.tenant !== tenant) throw new GroundworkError('NOT_FOUND', `experiment ${id} not found`, { details: { id } });
      return record;
    },
  };
}

/**
 * The experiments `groundwork eval run` recorded, over HTTP (what `eval list|compare|report` print):
 * `GET /v1/experiments[?tenant=&limit=]` newest first; `GET /v1/experiments/:id` one (without its
 * per-query rows; `queryCount` says how many); `GET /v1/experiments/:a/compare/:b` the paired test
 * of B against A per metric over their shared queries; `GET /v1/experiments/:id/report` the
 * self-contained HTML report (text/html, a CSP that allows no script and no request).
 */
export function registerExperimentsRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  const { groundwork } = deps;
  const store = createExperimentStore(groundwork.db);
  const resampling = () => {
    const options = resolveEvalOptions(groundwork);
    return { seed: options.seed, resamples: options.resamples, confidence: options.confidence, worstQueries: options.worstQueries };
  };

  app.get('/v1/experiments', async (c) => {
    const query = parseQuery(c, experimentListQuerySchema);
    const tenant = visibleTenant(c.get('principal'), query.tenant);
    const experiments = await store.list({ tenant, limit: query.limit });
    return c.json({ ...(tenant !== undefined ? { tenant } : {}), experiments });
  });

  app.get('/v1/experiments/:id', async (c) => {
    const id = parseExperimentId(c.req.param('id'), 'id');
    const { perQuery, ...record } = await scopedStore(store, c.get('principal')).get(id);
    return c.json({ ...record, queryCount: perQuery.length });
  });

  app.get('/v1/experiments/:a/compare/:b', async (c) => {
    const a = parseExperimentId(c.req.param('a'), 'a');
    const b = parseExperimentId(c.req.param('b'), 'b');
    const scoped = scopedStore(store, c.get('principal'));
    await Promise.all([scoped.get(a), scoped.get(b)]);
    const { seed, resamples, confidence } = resampling();
    return c.json(await store.compare(a, b, { seed, resamples, confidence }));
  });

  app.get('/v1/experiments/:id/report', async (c) => {
    const id = parseExperimentId(c.req.param('id'), 'id');
    const report = await buildExperimentReport(scopedStore(store, c.get('principal')), id, resampling());
    c.header('Content-Security-Policy', REPORT_CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    return c.html(renderHtmlReport(report));
  });
}
