import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { createApiKey } from '../../src/server/api-keys.js';
import { createApp } from '../../src/server/create-app.js';
import { redactPaths } from '../../src/server/redact-paths.js';
import * as responses from '../../src/server/response-schemas.js';
import { wholeDocumentChunker } from '../helpers/whole-document-chunker.js';
import { ACME_DOCS, readJson } from './server-fixtures.js';

const modelsDir = mkdtempSync(join(tmpdir(), 'gw-secret-models-dir-'));
let gw: Groundwork;
let app: ReturnType<typeof createApp>;
let auth: { authorization: string };
let admin: { authorization: string };
beforeAll(async () => {
  // An empty models dir: the "no embedding model installed in <dir>" notice names it.
  gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 'acme', modelsDir }, useEnvironment: false, chunker: wholeDocumentChunker('document') });
  await gw.ingest(ACME_DOCS.map((document) => ({ document })), { tenant: 'acme' });
  app = createApp(gw, { log: false });
  auth = { authorization: `Bearer ${(await createApiKey(gw.db, 'acme')).secret}` };
  admin = { authorization: `Bearer ${(await createApiKey(gw.db, 'acme', { admin: true })).secret}` };
});
afterAll(async () => {
  await gw.close();
  rmSync(modelsDir, { recursive: true, force: true });
});

/** The response body, checked against its documented schema. */
async function conforming(res: Response, schema: z.ZodType, status = 200): Promise<unknown> {
  expect(res.status).toBe(status);
  const body = await readJson(res);
  const parsed = schema.safeParse(body);
  expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  return body;
}

const post = (path: string, body: unknown, headers: Record<string, string>) => app.request(path, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('open routes show no filesystem paths', () => {
  it('/ready keeps its notices but not the models dir', async () => {
    expect(gw.notices.join(' ')).toContain(modelsDir); // the notice does name it in the process
    const text = await (await app.request('/ready')).text();
    expect(text).not.toContain(modelsDir);
    expect(text).not.toContain(tmpdir());
    expect(JSON.parse(text).checks.models.notices.join(' ')).toMatch(/no embedding model installed in <path>: lexical-only/);
  });

  it('/health, /metrics and /openapi.json name no path of this machine', async () => {
    for (const path of ['/health', '/metrics', '/openapi.json']) {
      const text = await (await app.request(path)).text();
      expect(text, path).not.toContain(process.cwd());
      expect(text, path).not.toContain(tmpdir());
    }
  });

  it('redactPaths removes POSIX, Windows and home paths but keeps URLs, ids and punctuation', () => {
    expect(redactPaths('no model in /srv/gw/models: lexical-only')).toBe('no model in <path>: lexical-only');
    expect(redactPaths('at C:\\Users\\ann\\db, and ~/x and "./data/db"')).toBe('at <path>, and <path> and "<path>"');
    expect(redactPaths('local:Xenova/all-MiniLM-L6-v2 at http://localhost:8080/v1, a / b')).toBe('local:Xenova/all-MiniLM-L6-v2 at http://localhost:8080/v1, a / b');
  });
});

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document, served without a key, listing every registered route', async () => {
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = await readJson(res);
    expect(doc.openapi).toBe('3.1.0');
    const registered = app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(registered.length).toBeGreaterThan(10);
    for (const route of registered) {
      const [method, path] = route.split(' ');
      expect(doc.paths[path]?.[method], route).toBeDefined();
    }
    for (const path of ['/v1/ask', '/v1/retrieve', '/v1/chat/completions', '/v1/documents', '/v1/jobs/{id}', '/v1/tools/{name}', '/v1/keys', '/health', '/ready', '/openapi.json']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  it('has the request and response schemas, every reference resolving', async () => {
    const doc = await readJson(await app.request('/openapi.json'));
    const schemas = doc.components.schemas;
    expect(schemas.AskRequest.required).toContain('question');
    expect(schemas.AskRequest.properties.question.type).toBe('string');
    expect(schemas.CreateKeyRequest.required).toEqual(['tenant']);
    expect(doc.paths['/v1/ask'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/AskRequest');
    expect(doc.paths['/v1/ask'].post.responses['200'].content['text/event-stream']).toBeDefined();
    expect(doc.paths['/v1/documents'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['tenant', 'limit', 'after']);
    expect(Object.keys(schemas).some((id) => /^Tool_.+_input$/.test(id))).toBe(true);
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of new Set(refs)) {
      const id = ref.slice('"$ref":"#/components/schemas/'.length, -1);
      expect(ref.startsWith('"$ref":"#/components/schemas/'), ref).toBe(true);
      expect(schemas[id], ref).toBeDefined();
    }
  });
});

describe('responses match their documented schemas', () => {
  it('ask, retrieve, chat completions, documents, tools, keys, health and ready', async () => {
    await conforming(await post('/v1/ask', { question: 'How long is the drill warranty?' }, auth), responses.askResponseSchema);
    await conforming(await post('/v1/retrieve', { query: 'drill warranty' }, auth), responses.retrieveResponseSchema);
    await conforming(await post('/v1/chat/completions', { model: 'groundwork', messages: [{ role: 'user', content: 'What is the meal allowance?' }] }, auth), responses.chatCompletionResponseSchema);
    const list = (await conforming(await app.request('/v1/documents', { headers: auth }), responses.documentListResponseSchema)) as { documents: Array<{ id: number }> };
    await conforming(await app.request('/v1/tools', { headers: auth }), responses.toolListResponseSchema);
    await conforming(await post('/v1/keys', { tenant: 'acme' }, admin), responses.createdKeyResponseSchema, 201);
    await conforming(await app.request('/v1/keys', { headers: admin }), responses.keyListResponseSchema);
    await conforming(await app.request('/health'), responses.healthResponseSchema);
    await conforming(await app.request('/ready'), responses.readyResponseSchema);
    await conforming(await app.request('/v1/nope', { headers: auth }), responses.errorResponseSchema, 404);
    await conforming(await app.request(`/v1/documents/${list.documents[0].id}`, { method: 'DELETE', headers: auth }), responses.documentDeleteResponseSchema);
  });
});
