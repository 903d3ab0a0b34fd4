import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Groundwork } from '../../src/groundwork.js';
import { createApiKey } from '../../src/server/api-keys.js';
import { createApp } from '../../src/server/create-app.js';
import { corpusGroundwork, readJson } from './server-fixtures.js';

let gw: Groundwork;
let app: ReturnType<typeof createApp>;
let admin: string;
let plain: string;
beforeAll(async () => {
  gw = await corpusGroundwork();
  app = createApp(gw, { log: false });
  admin = `Bearer ${(await createApiKey(gw.db, 'ops', { admin: true })).secret}`;
  plain = `Bearer ${(await createApiKey(gw.db, 'acme')).secret}`;
});
afterAll(() => gw.close());

const call = (method: string, path: string, authorization?: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: { ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('key routes', () => {
  it('are admin-only: 401 without a key, 403 for a tenant key and with auth off', async () => {
    for (const [method, path] of [['POST', '/v1/keys'], ['GET', '/v1/keys'], ['DELETE', '/v1/keys/1']]) {
      expect((await call(method, path, undefined, method === 'POST' ? { tenant: 'acme' } : undefined)).status).toBe(401);
      const forbidden = await call(method, path, plain, method === 'POST' ? { tenant: 'acme' } : undefined);
      expect(forbidden.status).toBe(403);
      expect((await readJson(forbidden)).error.message).toMatch(/admin key/);
    }
    const open = createApp(gw, { log: false, server: { auth: false } });
    const anonymous = await open.request('/v1/keys', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"tenant":"acme"}' });
    expect(anonymous.status).toBe(403);
    expect((await readJson(anonymous)).error.message).toMatch(/auth on/);
  });

  it('create a key shown once, list keys without secrets, revoke one so it stops working', async () => {
    const created = await call('POST', '/v1/keys', admin, { tenant: 'acme', name: 'ci' });
    expect(created.status).toBe(201);
    const key = await readJson(created);
    expect(key).toMatchObject({ tenant: 'acme', name: 'ci', admin: false, revokedAt: null });
    expect(key.key).toMatch(/^gwk_/);
    const bearer = { authorization: `Bearer ${key.key}` };
    expect((await app.request('/v1/documents', { headers: bearer })).status).toBe(200);

    const listed = await call('GET', '/v1/keys?tenant=acme', admin);
    const text = await listed.text();
    expect(text).not.toContain(key.key);
    expect(text).not.toMatch(/sha256|secret/);
    expect(JSON.parse(text).keys.map((k: { id: number }) => k.id)).toContain(key.id);

    const revoked = await call('DELETE', `/v1/keys/${key.id}`, admin);
    expect(revoked.status).toBe(200);
    expect((await readJson(revoked)).revokedAt).not.toBeNull();
    expect((await app.request('/v1/documents', { headers: bearer })).status).toBe(401);
  });

  it('creates admin keys on request; 400 naming bad fields, 404 for an unknown key', async () => {
    const created = await readJson(await call('POST', '/v1/keys', admin, { tenant: 'globex', admin: true }));
    expect(created.admin).toBe(true);
    expect((await call('GET', '/v1/keys', `Bearer ${created.key}`)).status).toBe(200);
    const bad = await call('POST', '/v1/keys', admin, { tenant: 'no spaces', role: 'root' });
    expect(bad.status).toBe(400);
    const fields = (await readJson(bad)).error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toContain('tenant');
    expect((await call('DELETE', '/v1/keys/999999', admin)).status).toBe(404);
    expect((await call('DELETE', '/v1/keys/abc', admin)).status).toBe(400);
  });
});
