import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../src/classic-ml/tool.js';
import type { Groundwork } from '../../src/groundwork.js';
import { listApiKeys, revokeApiKey, createApiKey } from '../../src/server/api-keys.js';
import { createApp } from '../../src/server/create-app.js';
import { enqueueIngestJob } from '../../src/server/ingest-jobs.js';
import { toolCatalog } from '../../src/server/routes/tools-route.js';
import { corpusGroundwork, readJson, tenantKeys } from './server-fixtures.js';

const post = (body: unknown, authorization?: string) => ({
  method: 'POST',
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
});
const get = (authorization: string) => ({ headers: { authorization } });

const sumTool = defineTool({
  name: 'sum',
  description: 'adds numbers',
  inputSchema: z.object({ values: z.array(z.number()).min(1), scale: z.number().positive().default(1) }).strict(),
  outputSchema: z.object({ total: z.number() }),
  run: (input) => ({ total: input.values.reduce((a, b) => a + b, 0) * input.scale }),
});
const slowTool = defineTool({
  name: 'slow',
  description: 'takes a second',
  inputSchema: z.object({}),
  outputSchema: z.object({}),
  run: () => new Promise<Record<string, never>>((resolve) => setTimeout(() => resolve({}), 1000)),
});

let gw: Groundwork;
let keys: Awaited<ReturnType<typeof tenantKeys>>;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  gw = await corpusGroundwork();
  keys = await tenantKeys(gw);
  app = createApp(gw, { server: { bodyLimitBytes: 4096 }, log: false, tools: toolCatalog([sumTool]) });
});
afterAll(() => gw.close());

describe('auth', () => {
  it('401 without a key, with a malformed header, an unknown key or a revoked key', async () => {
    const ask = (authorization?: string) => app.request('/v1/ask', post({ question: 'warranty?' }, authorization));
    for (const authorization of [undefined, 'Basic abc', 'Bearer gwk_not-a-real-key']) {
      const res = await ask(authorization);
      expect(res.status).toBe(401);
      expect((await readJson(res)).error.code).toBe('UNAUTHORIZED');
    }
    const key = await createApiKey(gw.db, 'acme', { name: 'short-lived' });
    expect((await ask(`Bearer ${key.secret}`)).status).toBe(200);
    await revokeApiKey(gw.db, key.id);
    expect((await ask(`Bearer ${key.secret}`)).status).toBe(401);
  });

  it('stores only the hash and a display prefix of each secret', async () => {
    const key = await createApiKey(gw.db, 'acme');
    const { rows } = await gw.db.query<Record<string, unknown>>('SELECT * FROM api_keys WHERE id = $1', [key.id]);
    expect(JSON.stringify(rows[0])).not.toContain(key.secret);
    expect(key.secret.startsWith(rows[0].prefix as string)).toBe(true);
    const listed = await listApiKeys(gw.db, { tenant: 'acme' });
    expect(listed.find((k) => k.id === key.id)).toMatchObject({ tenant: 'acme', revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(key.secret);
  });

  it('leaves /health, /ready and /metrics open', async () => {
    for (const path of ['/health', '/ready', '/metrics']) expect((await app.request(path)).status).toBe(200);
  });
});

describe('tenant isolation', () => {
  it('403 when a key names another tenant', async () => {
    for (const [path, body] of [
      ['/v1/ask', { question: 'When does Project Falcon launch?', tenant: 'globex' }],
      ['/v1/retrieve', { query: 'Project Falcon', tenant: 'globex' }],
      ['/v1/chat/completions', { model: 'groundwork', messages: [{ role: 'user', content: 'When does Falcon launch?' }], tenant: 'globex' }],
    ] as const) {
      const res = await app.request(path, post(body, keys.acme));
      expect(res.status, path).toBe(403);
      const text = await res.text();
      expect(text).toContain('FORBIDDEN');
      expect(text).not.toMatch(/ninth of March|four million/);
    }
    expect((await app.request('/v1/documents?tenant=globex', get(keys.acme))).status).toBe(403);
  });

  it("never returns another tenant's data to a key", async () => {
    const retrieved = await readJson(await app.request('/v1/retrieve', post({ query: 'Project Falcon launch budget' }, keys.acme)));
    expect(retrieved.tenant).toBe('acme');
    expect(retrieved.chunks).toEqual([]);
    const answer = await app.request('/v1/ask', post({ question: 'When does Project Falcon launch?' }, keys.acme));
    expect(answer.status).toBe(200);
    const text = await answer.text();
    expect(text).not.toMatch(/Falcon Plan|ninth of March|four million|secret\.md/);
    expect(JSON.parse(text).refused).toBe(true);
    const own = await readJson(await app.request('/v1/retrieve', post({ query: 'Project Falcon launch budget' }, keys.globex)));
    expect(own.chunks[0].externalId).toBe('secret.md');
  });

  it("lists only the key's own documents, paginated", async () => {
    const first = await readJson(await app.request('/v1/documents?limit=1', get(keys.acme)));
    expect(first.documents).toHaveLength(1);
    expect(first.nextAfter).toBe(first.documents[0].id);
    const second = await readJson(await app.request(`/v1/documents?limit=1&after=${first.nextAfter}`, get(keys.acme)));
    const ids = [...first.documents, ...second.documents].map((d: { externalId: string }) => d.externalId).sort();
    expect(ids).toEqual(['travel.md', 'warranty.md']);
    expect(second.nextAfter).toBeNull();
    const bad = await app.request('/v1/documents?limit=0', get(keys.acme));
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).error.details.fields[0].field).toBe('query.limit');
  });

  it("404 for another tenant's document or job, and nothing is deleted", async () => {
    const globexDocs = await readJson(await app.request('/v1/documents', get(keys.globex)));
    const secretId = globexDocs.documents[0].id;
    const res = await app.request(`/v1/documents/${secretId}`, { method: 'DELETE', headers: { authorization: keys.acme } });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('Falcon');
    expect((await readJson(await app.request('/v1/documents', get(keys.globex)))).documents).toHaveLength(1);

    const job = await enqueueIngestJob(gw.db, 'globex', [{ name: 'a.md', bytes: new TextEncoder().encode('# A\n\ntext') }]);
    expect((await app.request(`/v1/jobs/${job.id}`, get(keys.acme))).status).toBe(404);
    expect((await readJson(await app.request(`/v1/jobs/${job.id}`, get(keys.globex)))).status).toBe('queued');
    expect((await app.request('/v1/jobs/not-a-uuid', get(keys.globex))).status).toBe(404);
  });

  it("deletes the key's own document and the index stops returning it", async () => {
    const docs = await readJson(await app.request('/v1/documents', get(keys.acme)));
    const travel = docs.documents.find((d: { externalId: string }) => d.externalId === 'travel.md');
    const before = await readJson(await app.request('/v1/retrieve', post({ query: 'meal allowance' }, keys.acme)));
    expect(before.chunks.map((c: { externalId: string }) => c.externalId)).toContain('travel.md');
    const res = await app.request(`/v1/documents/${travel.id}`, { method: 'DELETE', headers: { authorization: keys.acme } });
    expect(res.status).toBe(200);
    expect((await readJson(res)).deleted).toBe(travel.id);
    const after = await readJson(await app.request('/v1/retrieve', post({ query: 'meal allowance' }, keys.acme)));
    expect(after.chunks.map((c: { externalId: string }) => c.externalId)).not.toContain('travel.md');
    expect((await app.request(`/v1/documents/${travel.id}`, { method: 'DELETE', headers: { authorization: keys.acme } })).status).toBe(404);
    expect((await app.request('/v1/documents/abc', { method: 'DELETE', headers: { authorization: keys.acme } })).status).toBe(400);
  });
});

describe('error statuses', () => {
  it('404 JSON for an unknown route', async () => {
    const res = await app.request('/v1/nothing-here', get(keys.acme));
    expect(res.status).toBe(404);
    expect((await readJson(res)).error.code).toBe('NOT_FOUND');
  });

  it('413 for a body over the limit', async () => {
    const res = await app.request('/v1/ask', post({ question: 'x'.repeat(5000) }, keys.acme));
    expect(res.status).toBe(413);
    expect((await readJson(res)).error).toMatchObject({ code: 'TOO_LARGE', details: { limitBytes: 4096 } });
  });

  it('429 with Retry-After once a key has used its rate, other keys unaffected', async () => {
    const limited = createApp(gw, { server: { rateLimitPerMinute: 2 }, log: false });
    const ask = (authorization: string) => limited.request('/v1/retrieve', post({ query: 'warranty' }, authorization));
    expect((await ask(keys.acme)).status).toBe(200);
    expect((await ask(keys.acme)).status).toBe(200);
    const refused = await ask(keys.acme);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await readJson(refused)).error.code).toBe('RATE_LIMITED');
    expect((await ask(keys.globex)).status).toBe(200);
    expect(await (await limited.request('/metrics')).text()).toMatch(/groundwork_rate_limited_total 1/);
  });

  it('504 when a request runs past the per-request timeout', async () => {
    const slow = createApp(gw, { server: { requestTimeoutMs: 50 }, log: false, tools: toolCatalog([slowTool]) });
    const res = await slow.request('/v1/tools/slow', post({}, keys.acme));
    expect(res.status).toBe(504);
    expect((await readJson(res)).error.code).toBe('TIMEOUT');
  });
});

describe('POST /v1/tools/:name', () => {
  it('runs a tool on validated input', async () => {
    const res = await app.request('/v1/tools/sum', post({ values: [1, 2, 3], scale: 2 }, keys.acme));
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ tool: 'sum', output: { total: 12 } });
  });

  it('400 naming the bad fields, 404 for an unknown tool', async () => {
    const bad = await app.request('/v1/tools/sum', post({ values: ['a'], scale: -1 }, keys.acme));
    expect(bad.status).toBe(400);
    const fields = (await readJson(bad)).error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['values.0', 'scale']));
    const missing = await app.request('/v1/tools/nope', post({}, keys.acme));
    expect(missing.status).toBe(404);
    expect((await readJson(missing)).error.message).toContain('sum');
  });

  it('serves the classic-ML tools by default', async () => {
    const defaults = createApp(gw, { server: { auth: false }, log: false });
    const names = (await readJson(await defaults.request('/v1/tools'))).tools.map((t: { name: string }) => t.name);
    expect(names).toEqual(expect.arrayContaining(['drift', 'ab-sample-size']));
  });
});
