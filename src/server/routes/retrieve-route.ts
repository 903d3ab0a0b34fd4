import type { Hono } from 'hono';
import { legTimings } from '../../app/retrieve.js';
import type { AppEnv, RouteDeps } from '../app-env.js';
import { parseJsonBody } from '../parse-input.js';
import { retrieveBodySchema } from '../request-schemas.js';
import { withRequestSignal } from '../request-guards.js';
import { resolveTenant } from '../resolve-tenant.js';
import { retrieveTelemetry } from '../../monitor/telemetry-details.js';

/** Retriever timing keys (`sparseMs`) -> stage names (`sparse`). */
const TIMING_SUFFIX = /Ms$/;

/** `POST /v1/retrieve`: ranked chunks with per-leg scores, the mode used and a confidence. */
export function registerRetrieveRoute(app: Hono<AppEnv>, deps: RouteDeps): void {
  const { groundwork, options, metrics } = deps;
  app.post('/v1/retrieve', async (c) => {
    const body = await parseJsonBody(c, retrieveBodySchema);
    const tenant = resolveTenant(c.get('principal'), body.tenant, groundwork.config.tenant);
    const result = await withRequestSignal(
      c.get('signal'),
      groundwork.retrieve({ query: body.query, tenant, k: body.k, mode: body.mode, filters: body.filters }),
      options.requestTimeoutMs,
    );
    const { legsMs, rerankMs } = legTimings(result.timings);
    for (const [key, ms] of Object.entries({ ...legsMs, rerankMs, totalMs: (result.timings as { totalMs?: number }).totalMs ?? 0 })) {
      const stage = key === 'totalMs' ? 'retrieve' : key.replace(TIMING_SUFFIX, '');
      if (Number.isFinite(ms)) metrics.observeStage(stage, ms / 1000);
    }
    c.set('telemetry', retrieveTelemetry(tenant, body.query, result));
    return c.json({ ...result, tenant, requestId: c.get('requestId') });
  });
}
