import type { Hono } from 'hono';
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { apiKeyJson, createApiKey, listApiKeys, revokeApiKey } from '../api-keys.js';
import type { AppEnv, RouteDeps } from '../app-env.js';
import { requireAdmin } from '../auth-middleware.js';
import { parseJsonBody, parseQuery } from '../parse-input.js';
import { createKeyBodySchema } from '../request-schemas.js';

/** Query of `GET /v1/keys`. */
export const listQuerySchema = z.object({ tenant: z.string().optional() }).strict();


/**
 * Key management for admin keys (403 for any other caller, and with auth off):
 * `POST /v1/keys` `{tenant, admin?, name?}` -> 201 with the new key's `key` (its secret, shown
 * this once); `GET /v1/keys[?tenant=T]` lists keys, never their secrets; `DELETE /v1/keys/:id`
 * revokes one (it stops working on the next request). This is how `groundwork keys` works while
 * `serve` holds the embedded database.
 */
export function registerKeysRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  const db = deps.groundwork.db;

  app.post('/v1/keys', async (c) => {
    requireAdmin(c.get('principal'));
    const body = await parseJsonBody(c, createKeyBodySchema);
    const created = await createApiKey(db, body.tenant, { name: body.name, admin: body.admin });
    return c.json({ ...apiKeyJson(created), key: created.secret }, 201);
  });

  app.get('/v1/keys', async (c) => {
    requireAdmin(c.get('principal'));
    const query = parseQuery(c, listQuerySchema);
    return c.json({ keys: (await listApiKeys(db, { tenant: query.tenant })).map(apiKeyJson) });
  });

  app.delete('/v1/keys/:id', async (c) => {
    requireAdmin(c.get('principal'));
    const raw = c.req.param('id');
    const id = Number(raw);
    if (!/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(id) || id <= 0) throw new InputError('id', `must be a key id (a positive integer), got ${JSON.stringify(raw)}`);
    return c.json(apiKeyJson(await revokeApiKey(db, id)));
  });
}
