import type { Hono } from 'hono';
import { z } from 'zod';
import { assertTenantName } from '../config/tenant-name.js';
import type { Queryable } from '../db/types.js';
import { GroundworkError } from '../errors.js';
import type { AppEnv, Principal } from '../server/app-env.js';
import { parseQuery } from '../server/parse-input.js';
import { alertsInScope } from './alert-store.js';
import type { QueryEmbedderState } from './embedding-drift.js';
import { createMonitorCache } from './monitor-cache.js';
import type { MonitorOptions } from './monitor-options.js';
import { monitorReport } from './monitor-report.js';
import { monitorSeries, parseSeriesStep } from './monitor-series.js';
import type { LastPromotion } from './monitor-windows.js';
import { MONITOR_WINDOWS } from './types.js';

const windowParam = z.enum(MONITOR_WINDOWS).default('1d');
export const monitorReportQuerySchema = z.object({ window: windowParam, tenant: z.string().optional() }).strict();
export const monitorSeriesQuerySchema = z.object({ window: windowParam, step: z.string().optional(), tenant: z.string().optional() }).strict();
export const monitorAlertsQuerySchema = z.object({ tenant: z.string().optional(), state: z.enum(['open', 'all']).default('open') }).strict();

/**
 * Whose telemetry a caller may read: a tenant's key its own tenant (naming another is 403); an
 * admin key any one tenant, or every tenant when it names none; with auth off the named tenant or
 * every tenant (the open server has no tenants to keep apart).
 */
export function monitorScope(principal: Principal, requested: string | undefined): string | null {
  if (requested !== undefined) assertTenantName(requested);
  if (principal.kind === 'anonymous' || principal.admin) return requested ?? null;
  if (requested !== undefined && requested !== principal.tenant) {
    throw new GroundworkError('FORBIDDEN', `this API key belongs to another tenant and cannot read the monitor of tenant "${requested}"`, { details: { tenant: requested } });
  }
  return principal.tenant;
}

/**
 * The console's monitor reads: `GET /v1/monitor/report?window=1d` (the JSON of
 * `groundwork monitor --json`), `GET /v1/monitor/series?window=1d&step=15m` (time series from the
 * rollups), `GET /v1/monitor/alerts[?state=all]`; each scoped by monitorScope. Reports keep
 * settled hours in a cache of their own (monitor-cache.ts); `queryEmbedder` says whether an
 * embedder is installed (the query-embedding signal is unavailable, with the reason, when not).
 */
export function registerMonitorRoutes(app: Hono<AppEnv>, deps: { db: Queryable; options: MonitorOptions; lastPromotion?: LastPromotion; queryEmbedder?: QueryEmbedderState }): void {
  const cache = createMonitorCache();
  app.get('/v1/monitor/report', async (c) => {
    const query = parseQuery(c, monitorReportQuerySchema);
    const tenant = monitorScope(c.get('principal'), query.tenant);
    return c.json(await monitorReport(deps.db, { tenant, window: query.window, options: deps.options, lastPromotion: deps.lastPromotion, cache, queryEmbedder: deps.queryEmbedder }));
  });
  app.get('/v1/monitor/series', async (c) => {
    const query = parseQuery(c, monitorSeriesQuerySchema);
    const tenant = monitorScope(c.get('principal'), query.tenant);
    const stepSeconds = parseSeriesStep(query.step, query.window);
    return c.json(await monitorSeries(deps.db, { tenant, window: query.window, stepSeconds }));
  });
  app.get('/v1/monitor/alerts', async (c) => {
    const query = parseQuery(c, monitorAlertsQuerySchema);
    const tenant = monitorScope(c.get('principal'), query.tenant);
    return c.json({ alerts: await alertsInScope(deps.db, { tenant, open: query.state === 'open' }) });
  });
}
