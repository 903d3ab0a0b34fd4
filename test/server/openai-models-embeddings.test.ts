import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { createLocalEmbedder } from '../../src/models/local-embedder.js';
import type { Embedder } from '../../src/models/types.js';
import { MAX_EMBEDDING_INPUTS } from '../../src/server/routes/embeddings-route.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { makeTestModel } from '../helpers/test-models.js';
import { wholeDocumentChunker } from '../helpers/whole-document-chunker.js';
import { ACME_DOCS, GLOBEX_DOCS, tenantKeys } from './server-fixtures.js';

async function serve(embedder: Embedder | undefined): Promise<{ gw: Groundwork; server: RunningServer; keys: { acme: string; globex: string } }> {
  const gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 'default' }, useEnvironment: false, chunker: wholeDocumentChunker('document'), embedder });
  await gw.ingest(ACME_DOCS.map((document) => ({ document })), { tenant: 'acme' });
  await gw.ingest(GLOBEX_DOCS.map((document) => ({ document })), { tenant: 'globex' });
  const keys = await tenantKeys(gw);
  const server = await startServer({ groundwork: gw, port: 0, host: '127.0.0.1', log: false });
  return { gw, server, keys: { acme: keys.acme.replace('Bearer ', ''), globex: keys.globex.replace('Bearer ', '') } };
}

const client = (server: RunningServer, key: string) => new OpenAI({ apiKey: key, baseURL: `${server.url}/v1`, maxRetries: 0, timeout: 20_000 });

let modelsDir: string;
let embedder: Embedder;
let withModel: Awaited<ReturnType<typeof serve>>;
let lexicalOnly: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'gw-embeddings-'));
  await makeTestModel(join(modelsDir, 'test', 'tiny'), { kind: 'encoder' });
  embedder = await createLocalEmbedder({ modelsDir, model: 'test/tiny' });
  withModel = await serve(embedder);
  lexicalOnly = await serve(undefined);
}, 60_000);

afterAll(async () => {
  await withModel?.server.close();
  await lexicalOnly?.server.close();
  await rm(modelsDir, { recursive: true, force: true });
});

describe('GET /v1/models with the official openai client', () => {
  it('lists the answer configuration and the installed embedding model', async () => {
    const page = await client(withModel.server, withModel.keys.acme).models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(['groundwork', embedder.id]);
    expect(page.data.every((m) => m.object === 'model' && Number.isInteger(m.created))).toBe(true);
    const answer = page.data[0] as unknown as { groundwork: { kind: string; policy: string; chatModels: string[] } };
    expect(answer.groundwork).toMatchObject({ kind: 'answer', policy: 'fixed', chatModels: ['extractive'] });
    const one = await client(withModel.server, withModel.keys.acme).models.retrieve(embedder.id);
    expect((one as unknown as { groundwork: { dimensions: number } }).groundwork.dimensions).toBe(embedder.dimensions);
  });

  it('is the same list for every tenant, needs a key, and 404s an unknown model', async () => {
    const acme = await client(withModel.server, withModel.keys.acme).models.list();
    const globex = await client(withModel.server, withModel.keys.globex).models.list();
    expect(globex.data).toEqual(acme.data);
    expect(JSON.stringify(globex.data)).not.toMatch(/acme|globex|Falcon|travel/i);
    await expect(client(withModel.server, 'gwk_wrong').models.list()).rejects.toMatchObject({ status: 401 });
    await expect(client(withModel.server, withModel.keys.acme).models.retrieve('gpt-4o')).rejects.toMatchObject({ status: 404 });
  });

  it('lists only the answer configuration without an embedding model', async () => {
    const page = await client(lexicalOnly.server, lexicalOnly.keys.acme).models.list();
    expect(page.data.map((m) => m.id)).toEqual(['groundwork']);
  });
});

describe('POST /v1/embeddings with the official openai client', () => {
  const cosine = (a: number[], b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i], 0);

  it('embeds one string (the client asks for base64 and decodes it) like the embedder does', async () => {
    const result = await client(withModel.server, withModel.keys.acme).embeddings.create({ model: embedder.id, input: 'drill warranty' });
    expect(result.object).toBe('list');
    expect(result.model).toBe(embedder.id);
    expect(result.data).toHaveLength(1);
    expect(result.data[0].embedding).toHaveLength(embedder.dimensions);
    const [direct] = await embedder.embedDocuments(['drill warranty']);
    expect(cosine(result.data[0].embedding, direct)).toBeGreaterThan(0.9999);
    expect(result.usage.prompt_tokens).toBe(embedder.countTokens!('drill warranty'));
    expect(result.usage.total_tokens).toBe(result.usage.prompt_tokens);
  });

  it('embeds a batch in order, as floats or base64, and applies the query prefix on input_type query', async () => {
    const texts = ['travel policy', 'meal allowance', 'cordless drill batteries'];
    const floats = await client(withModel.server, withModel.keys.acme).embeddings.create({ model: embedder.id, input: texts, encoding_format: 'float' });
    expect(floats.data.map((d) => d.index)).toEqual([0, 1, 2]);
    const direct = await embedder.embedDocuments(texts);
    floats.data.forEach((d, i) => expect(cosine(d.embedding, direct[i])).toBeGreaterThan(0.9999));
    const raw = await fetch(`${withModel.server.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${withModel.keys.acme}` },
      body: JSON.stringify({ model: embedder.id, input: texts, encoding_format: 'base64', dimensions: embedder.dimensions, input_type: 'query' }),
    });
    const body = (await raw.json()) as { data: Array<{ embedding: string }> };
    const bytes = Buffer.from(body.data[2].embedding, 'base64');
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
    expect(cosine(decoded, await embedder.embedQuery(texts[2]))).toBeGreaterThan(0.9999);
  });

  it('refuses bad input with the documented errors', async () => {
    const c = client(withModel.server, withModel.keys.acme);
    await expect(c.embeddings.create({ model: embedder.id, input: 'x', dimensions: 8 })).rejects.toMatchObject({ status: 400, error: { code: 'INPUT', message: expect.stringContaining('dimensions') } });
    await expect(c.embeddings.create({ model: 'text-embedding-3-small', input: 'x' })).rejects.toMatchObject({ status: 400, error: { message: expect.stringContaining(embedder.id) } });
    await expect(c.embeddings.create({ model: embedder.id, input: [] })).rejects.toMatchObject({ status: 400 });
    await expect(c.embeddings.create({ model: embedder.id, input: ['ok', ''] })).rejects.toMatchObject({ status: 400, error: { message: expect.stringContaining('input.1') } });
    await expect(c.embeddings.create({ model: embedder.id, input: [[1, 2, 3]] })).rejects.toMatchObject({ status: 400, error: { message: expect.stringContaining('token-id') } });
    await expect(c.embeddings.create({ model: embedder.id, input: Array.from({ length: MAX_EMBEDDING_INPUTS + 1 }, () => 'a') })).rejects.toMatchObject({
      status: 400,
      error: { message: expect.stringContaining(`limit is ${MAX_EMBEDDING_INPUTS}`) },
    });
    const long = Array.from({ length: embedder.maxInputTokens + 10 }, () => 'drill').join(' ');
    await expect(c.embeddings.create({ model: embedder.id, input: ['short', long] })).rejects.toMatchObject({ status: 400, error: { message: expect.stringContaining(`at most ${embedder.maxInputTokens}`) } });
  });

  it('keeps tenants apart: a key cannot name another tenant, and needs to be valid', async () => {
    const raw = await fetch(`${withModel.server.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${withModel.keys.globex}` },
      body: JSON.stringify({ model: embedder.id, input: 'x', tenant: 'acme' }),
    });
    expect(raw.status).toBe(403);
    await expect(client(withModel.server, 'gwk_wrong').embeddings.create({ model: embedder.id, input: 'x' })).rejects.toMatchObject({ status: 401 });
  });

  it('answers 501 MODEL_MISSING when no embedding model is installed', async () => {
    const error = await client(lexicalOnly.server, lexicalOnly.keys.acme)
      .embeddings.create({ model: 'anything', input: 'x' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 501, error: { code: 'MODEL_MISSING', message: expect.stringContaining('no embedding model installed') } });
  });
});

describe('POST /v1/embeddings past the body limit', () => {
  it('is 413 TOO_LARGE before anything is embedded', async () => {
    // Its own client: the server answers before reading the whole body and closes that connection.
    const c = client(withModel.server, withModel.keys.acme);
    await expect(c.embeddings.create({ model: embedder.id, input: 'word '.repeat(300_000) })).rejects.toMatchObject({ status: 413, error: { code: 'TOO_LARGE' } });
  });
});
