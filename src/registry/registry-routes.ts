import type { Hono } from 'hono';
import { z } from 'zod';
import { GroundworkError } from '../errors.js';
import type { AppEnv, Principal } from '../server/app-env.js';
import { parseJsonBody, parseQuery } from '../server/parse-input.js';
import { resolveTenant } from '../server/resolve-tenant.js';
import { armMetrics } from './arm-metrics.js';
import { describeEntry } from './describe-entry.js';
import { ENTRY_KINDS, GLOBAL_SCOPE, STAGES } from './entry-kinds.js';
import { promoteEntry, rollbackKind } from './promote-entry.js';
import type { RegistryStore } from './registry-store.js';
import { armLabels, getRollout, rolloutEvents } from './rollout-store.js';

const listQuery = z.object({ tenant: z.string().optional(), kind: z.enum(ENTRY_KINDS).optional(), stage: z.enum(STAGES).optional() }).strict();
const tenantQuery = z.object({ tenant: z.string().optional() }).strict();
/** Canary window limits of `registry promote --window-minutes` (one minute to thirty days). */
const MAX_WINDOW_MINUTES = 60 * 24 * 30;
const promoteBody = z
  .object({
    to: z.enum(['staging', 'production']),
    /** Explicit approval: a new major version (or the first entry of its kind) going to production. */
    approve: z.boolean().optional(),
    windowMinutes: z.number().int().min(1).max(MAX_WINDOW_MINUTES).optional(),
    tenant: z.string().optional(),
  })
  .strict();
const rollbackBody = z
  .object({
    kind: z.enum(ENTRY_KINDS),
    /** The global scope ('*') instead of the caller's tenant: an admin key's (or auth off). */
    global: z.boolean().optional(),
    reason: z.string().min(1).max(500).optional(),
    tenant: z.string().optional(),
  })
  .strict();

/** Who a promotion or rollback is recorded as: the API key, or `http` with auth off. */
const actorOf = (principal: Principal): string => (principal.kind === 'key' ? `api-key:${principal.keyId}` : 'http');

/** A global entry serves every tenant: only an admin key (or a server without auth) may move it. */
function assertMayChangeGlobal(principal: Principal): void {
  if (principal.kind === 'key' && !principal.admin) throw new GroundworkError('FORBIDDEN', 'the global registry scope serves every tenant: promoting or rolling back there needs an admin API key');
}

/**
 * Endpoints of the registry, in the caller's tenant (its scope and the global one):
 * `GET /v1/registry/entries[?kind=&stage=]`, `GET /v1/registry/entries/:id` (history, latest gate
 * and load benchmark, canaries and A/B tests with every step and decision),
 * `GET /v1/registry/rollouts` (the tenant's canaries and A/B tests, newest first, with events, and
 * each running one's per-arm figures), and the CLI's two moves with the CLI's criteria:
 * `POST /v1/registry/entries/:id/promote` `{to, approve?, windowMinutes?}` (promoteEntry: a passing
 * eval gate to staging; a load benchmark within limits, and `approve` for a major version, to
 * production) and `POST /v1/registry/rollback` `{kind, global?, reason?}` (rollbackKind).
 */
export function registerRegistryRoutes(app: Hono<AppEnv>, deps: { registry: RegistryStore; defaultTenant: string; clock?: () => Date }): void {
  const { registry } = deps;
  const clock = deps.clock ?? (() => new Date());
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
    const now = clock();
    const rollouts = [];
    for (const row of rows) {
      const rollout = await getRollout(registry.db, tenant, row.id);
      const events = await rolloutEvents(registry.db, rollout);
      if (rollout.status !== 'running') {
        rollouts.push({ rollout, events });
        continue;
      }
      // A running rollout's live figures per arm since it started (what the controller and the A/B decision read).
      const labels = armLabels(rollout);
      const [control, treatment] = await Promise.all([armMetrics(registry.db, tenant, labels.control, rollout.startedAt, now), armMetrics(registry.db, tenant, labels.treatment, rollout.startedAt, now)]);
      rollouts.push({ rollout, events, arms: { control, treatment } });
    }
    return c.json({ rollouts });
  });
  app.post('/v1/registry/entries/:id/promote', async (c) => {
    const body = await parseJsonBody(c, promoteBody);
    const principal = c.get('principal');
    const tenant = resolveTenant(principal, body.tenant, deps.defaultTenant);
    const id = c.req.param('id');
    if (!/^\d{1,12}$/.test(id)) return c.json({ error: { code: 'NOT_FOUND', message: `registry entry ${id} not found` } }, 404);
    // Another tenant's entry reads as missing (registry.get with the tenant: its scope or the global one).
    const entry = await registry.get(Number(id), { tenant });
    if (entry.tenant === GLOBAL_SCOPE) assertMayChangeGlobal(principal);
    const result = await promoteEntry(registry, entry.id, body.to, {
      approve: body.approve === true,
      actor: actorOf(principal),
      canary: body.windowMinutes === undefined ? undefined : { windowMs: body.windowMinutes * 60_000 },
      now: clock(),
    });
    return c.json(result);
  });
  app.post('/v1/registry/rollback', async (c) => {
    const body = await parseJsonBody(c, rollbackBody);
    const principal = c.get('principal');
    const tenant = resolveTenant(principal, body.tenant, deps.defaultTenant);
    if (body.global) assertMayChangeGlobal(principal);
    const result = await rollbackKind(registry, body.global ? GLOBAL_SCOPE : tenant, body.kind, { actor: actorOf(principal), reason: body.reason, now: clock() });
    return c.json(result);
  });
}
