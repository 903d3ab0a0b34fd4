import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperimentStore } from '../../src/eval/experiment-store.js';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { createApiKey } from '../../src/server/api-keys.js';
import { createApp } from '../../src/server/create-app.js';
import { REPORT_CSP } from '../../src/server/routes/experiments-routes.js';
import { doc, wholeDocumentChunker } from '../helpers/whole-document-chunker.js';
import { ACME_DOCS, GLOBEX_DOCS, readJson } from '../server/server-fixtures.js';

// The reads the web console needs beyond the documented API: a document's text around a cited
// chunk, and the experiments `groundwork eval` recorded.
let gw: Groundwork;
let app: ReturnType<typeof createApp>;
const auth: Record<'acme' | 'globex' | 'admin', { authorization: string }> = {} as never;
const ids: { acme: string[]; globex: string } = { acme: [], globex: '' };
let manualId: number;
let globexDocId: number;

beforeAll(async () => {
  gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 'default' }, useEnvironment: false, chunker: wholeDocumentChunker('paragraph') });
  const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} of the manual.`).join('\n\n');
  await gw.ingest([...ACME_DOCS, doc('manual.md', paragraphs, { title: 'Manual' })].map((document) => ({ document })), { tenant: 'acme' });
  await gw.ingest(GLOBEX_DOCS.map((document) => ({ document })), { tenant: 'globex' });
  const docs = await gw.db.query<{ id: number; external_id: string }>('SELECT id::int AS id, external_id FROM documents');
  manualId = docs.rows.find((r) => r.external_id === 'manual.md')!.id;
  globexDocId = docs.rows.find((r) => r.external_id === 'secret.md')!.id;

  const store = createExperimentStore(gw.db);
  const experiment = (tenant: string, hypothesis: string, shift: number) => ({
    tenant,
    hypothesis,
    dataset: { kind: 'golden' as const, path: 'golden.jsonl', hash: 'sha256:api-test' },
    config: {},
    codeVersion: 'test',
    metrics: { 'ndcg@10': { mean: 0.5 + shift, lower: 0.4 + shift, upper: 0.6 + shift, n: 10 } },
    perQuery: Array.from({ length: 10 }, (_, i) => ({ queryId: `q${i}`, metrics: { 'ndcg@10': 0.3 + i * 0.05 + shift } })),
  });
  ids.acme.push((await store.create(experiment('acme', 'baseline', 0))).id);
  ids.acme.push((await store.create(experiment('acme', 'shows <script>alert(1)</script> as text', 0.05))).id);
  ids.globex = (await store.create(experiment('globex', 'globex only', 0))).id;

  app = createApp(gw, { log: false });
  auth.acme = { authorization: `Bearer ${(await createApiKey(gw.db, 'acme')).secret}` };
  auth.globex = { authorization: `Bearer ${(await createApiKey(gw.db, 'globex')).secret}` };
  auth.admin = { authorization: `Bearer ${(await createApiKey(gw.db, 'ops', { admin: true })).secret}` };
});
afterAll(async () => {
  await gw?.close();
});

const get = (path: string, who: keyof typeof auth) => app.request(path, { headers: auth[who] });

describe('GET /v1/documents/:id', () => {
  it('returns the document and a window of its chunks in order, centred on a cited chunk', async () => {
    const all = await readJson(await get(`/v1/documents/${manualId}?limit=500`, 'acme'));
    expect(all.document).toMatchObject({ id: manualId, externalId: 'manual.md', title: 'Manual', chunkCount: 30 });
    expect(all.chunks.map((c: { ordinal: number }) => c.ordinal)).toEqual([...Array(30).keys()]);
    const cited = all.chunks[15];
    const window = await readJson(await get(`/v1/documents/${manualId}?chunk=${cited.id}&limit=5`, 'acme'));
    expect(window.from).toBe(13);
    expect(window.chunks.map((c: { ordinal: number }) => c.ordinal)).toEqual([13, 14, 15, 16, 17]);
    expect(window.chunks[2].text).toBe('Paragraph 15 of the manual.');
    const first = await readJson(await get(`/v1/documents/${manualId}?chunk=${all.chunks[0].id}&limit=5`, 'acme'));
    expect(first.chunks.map((c: { ordinal: number }) => c.ordinal)).toEqual([0, 1, 2, 3, 4]);
    const paged = await readJson(await get(`/v1/documents/${manualId}?from=28`, 'acme'));
    expect(paged.chunks.map((c: { ordinal: number }) => c.ordinal)).toEqual([28, 29]);
  });

  it('never reads across tenants, and names bad input', async () => {
    expect((await get(`/v1/documents/${globexDocId}`, 'acme')).status).toBe(404);
    expect((await get(`/v1/documents/${globexDocId}?tenant=globex`, 'acme')).status).toBe(403);
    const globexChunk = (await gw.db.query<{ id: number }>('SELECT id::int AS id FROM chunks WHERE document_id = $1', [globexDocId])).rows[0].id;
    const foreignChunk = await get(`/v1/documents/${manualId}?chunk=${globexChunk}`, 'acme');
    expect(foreignChunk.status).toBe(404);
    expect((await readJson(foreignChunk)).error.message).toContain(`chunk ${globexChunk} is not part of document ${manualId}`);
    expect((await get(`/v1/documents/${globexDocId}`, 'globex')).status).toBe(200);
    expect((await get('/v1/documents/abc', 'acme')).status).toBe(400);
    const tooMany = await get(`/v1/documents/${manualId}?limit=501`, 'acme');
    expect(tooMany.status).toBe(400);
    expect((await readJson(tooMany)).error.details.fields[0].field).toBe('query.limit');
  });
});

describe('/v1/experiments', () => {
  it('lists a tenant key\'s own experiments; an admin key sees every tenant\'s, or one', async () => {
    const own = await readJson(await get('/v1/experiments', 'acme'));
    expect(own.tenant).toBe('acme');
    expect(own.experiments.map((e: { id: string }) => e.id).sort()).toEqual([...ids.acme].sort());
    expect(own.experiments[0]).toMatchObject({ queryCount: 10 });
    const everyone = await readJson(await get('/v1/experiments', 'admin'));
    expect(everyone.experiments.map((e: { id: string }) => e.id).sort()).toEqual([...ids.acme, ids.globex].sort());
    const one = await readJson(await get('/v1/experiments?tenant=globex', 'admin'));
    expect(one.experiments.map((e: { id: string }) => e.id)).toEqual([ids.globex]);
    expect((await get('/v1/experiments?tenant=globex', 'acme')).status).toBe(403);
  });

  it('reads one experiment without its per-query rows; another tenant\'s is a 404; a bad id a 400', async () => {
    const res = await get(`/v1/experiments/${ids.acme[0]}`, 'acme');
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body).toMatchObject({ id: ids.acme[0], tenant: 'acme', queryCount: 10 });
    expect(body.perQuery).toBeUndefined();
    expect((await get(`/v1/experiments/${ids.globex}`, 'acme')).status).toBe(404);
    expect((await get(`/v1/experiments/${ids.globex}`, 'admin')).status).toBe(200);
    const bad = await get('/v1/experiments/EXP-1', 'acme');
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).error.message).toContain('EXP-YYYY-MM-DD-NNN');
  });

  it('compares two with the paired test over their shared queries', async () => {
    const res = await get(`/v1/experiments/${ids.acme[0]}/compare/${ids.acme[1]}`, 'acme');
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body).toMatchObject({ a: ids.acme[0], b: ids.acme[1], queries: 10, onlyInA: 0, onlyInB: 0 });
    const ndcg = body.metrics['ndcg@10'];
    expect(ndcg.n).toBe(10);
    expect(ndcg.meanDifference).toBeCloseTo(0.05, 10);
    expect(ndcg.lower).toBeCloseTo(0.05, 10);
    expect((await get(`/v1/experiments/${ids.acme[0]}/compare/${ids.globex}`, 'acme')).status).toBe(404);
  });

  it('serves the HTML report with a policy that runs no script and loads nothing; text stays text', async () => {
    const res = await get(`/v1/experiments/${ids.acme[1]}/report`, 'acme');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toBe(REPORT_CSP);
    const html = await res.text();
    expect(html).toContain(ids.acme[1]);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect((await get(`/v1/experiments/${ids.globex}/report`, 'acme')).status).toBe(404);
  });
});
