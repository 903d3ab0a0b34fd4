import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../server/app-env.js';
import { parseQuery } from '../server/parse-input.js';
import { resolveTenant } from '../server/resolve-tenant.js';
import { describeEntry } from './describe-entry.js';
import { ENTRY_KINDS, STAGES } from './entry-kinds.js';
import type { RegistryStore } from './registry-store.js';
import { getRollout, rolloutEvents } from './rollout-store.js';

const listQuery = z.object({ tenant: z.string().optional(), kind: z.enum(ENTRY_KINDS).optional(), stage: z.enum(STAGES).optional() }).strict();
const tenantQuery = z.object({ tenant: z.string().optional() }).strict();

/**
 * Read endpoints of the registry, in the caller's tenant (its scope and the global one):
 * `GET /v1/registry/entries[?kind=&stage=]`, `GET /v1/registry/entries/:id` (history, latest gate
 * and load benchmark, canaries and A/B tests with every step and decision) and
 * `GET /v1/registry/rollouts` (the tenant's canaries and A/B tests, newest first, with events).
 */
export function registerRegistryRoutes(app: Hono<AppEnv>, deps: { registry: RegistryStore; defaultTenant: string }): void {
  const { registry } = deps;
  app.get('/v1/registry/entries', async (c) => {
    const query = parseQuery(c, listQuery);
    const tenant = resolveTenant(c.get('principal'), query.tenant, deps.defaultTenant);
    return c.json({ entries: await registry.list({ tenant, kind: query.kind, stage: query.stage }) });
  });
  app.get('/v1/registry/entries/:id', async (c) => {
    const query = parseQuery(c, tenantQuery);
    const tenant = resolveTenant(c.get('principal'), query.tenant, deps.defaultTenant);
    const id = c.req.param('id');
    if (!/^\d{1,12}$/.test(id)) return c.json({ error: { code: 'NOT_FOUND', message: `registry entry ${id} not found` } }, 404);
    return c.json(await describeEntry(registry, Number(id), { tenant }));
  });
  app.get('/v1/registry/rollouts', async (c) => {
    const query = parseQuery(c, tenantQuery);
    const tenant = resolveTenant(c.get('principal'), query.tenant, deps.defaultTenant);
    const { rows } = await registry.db.query<{ id: number }>('SELECT id::int AS id FROM registry_rollouts WHERE tenant = $1 ORDER BY id DESC LIMIT 100', [tenant]);
    const rollouts = [];
    for (const row of rows) {
      const rollout = await getRollout(registry.db, tenant, row.id);
      rollouts.push({ rollout, events: await rolloutEvents(registry.db, rollout) });
    }
    return c.json({ rollouts });
  });
}
