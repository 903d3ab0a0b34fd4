import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv, RouteDeps } from '../app-env.js';
import { getIngestJob } from '../ingest-jobs.js';
import { parseQuery } from '../parse-input.js';
import { resolveTenant } from '../resolve-tenant.js';

/** Query of `GET /v1/jobs/:id`. */
export const querySchema = z.object({ tenant: z.string().optional() }).strict();

/** `GET /v1/jobs/:id`: an ingestion job's status and, once done, its ingest summary. */
export function registerJobsRoute(app: Hono<AppEnv>, deps: RouteDeps): void {
  const { groundwork } = deps;
  app.get('/v1/jobs/:id', async (c) => {
    const { tenant: requested } = parseQuery(c, querySchema);
    const tenant = resolveTenant(c.get('principal'), requested, groundwork.config.tenant);
    return c.json(await getIngestJob(groundwork.db, tenant, c.req.param('id')));
  });
}
