import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/types.js';
import { deleteDocuments, recordIndexChange } from '../../src/ingest/document-store.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { createEnglishAnalyzer } from '../../src/search-index/analyzer.js';
import { retrieveOptionsSchema } from '../../src/retrieve/retrieve-options.js';
import { createRetriever } from '../../src/retrieve/retriever.js';
import { driverCases } from '../helpers/db-drivers.js';
import { referenceBm25 } from '../helpers/reference-bm25.js';
import { doc, wholeDocumentChunker } from '../helpers/whole-document-chunker.js';

const analyzer = createEnglishAnalyzer();
const corpus = [
  doc('a', 'The quick brown fox jumps over the lazy dog'),
  doc('b', 'A fox is a small omnivorous mammal; the red fox is the largest fox'),
  doc('c', 'Dogs are loyal companions and dogs like long walks'),
  doc('d', 'Quantum computing uses qubits'),
  doc('e', 'The lazy afternoon: a dog sleeps while a fox watches the dog'),
];
const cases = await driverCases('bm25');

describe.each(cases)('BM25 in SQL: $name', (driver) => {
  let db: Db;
  const ingest = (docs = corpus, tenant = 't1') =>
    runIngest(docs.map((document) => ({ document })), { db, tenant, chunker: wholeDocumentChunker(), analyzer, configFingerprint: { test: 1 }, titleWeight: 0 });
  const retriever = (k1 = 1.2, b = 0.75) => createRetriever({ db, analyzer, options: retrieveOptionsSchema.parse({ mode: 'sparse', k1, b }) });

  beforeAll(async () => {
    db = await driver.open();
    await migrate(db);
    await ingest();
  });
  afterAll(async () => db.close());

  it('equals a hand-computed reference to 1e-6 (two parameter sets)', async () => {
    // Hand check for one score: query "fox", doc b. N = 5, df(fox) = 3 -> idf = ln(1 + 2.5/3.5).
    const { rows } = await db.query<{ dl: number; tf: number }>(
      `SELECT u.dl, u.tf FROM posting_blocks p CROSS JOIN LATERAL unnest(p.chunk_ids, p.tfs, p.dls) AS u(chunk_id, tf, dl)
         JOIN chunks c ON c.id = u.chunk_id JOIN documents d ON d.id = c.document_id WHERE d.external_id = 'b' AND p.term = 'fox'`,
    );
    const total = corpus.reduce((s, d) => s + analyzer.terms(d.text).length, 0);
    const { dl, tf } = rows[0];
    expect(tf).toBe(3);
    const idf = Math.log(1 + 2.5 / 3.5);
    const expected = (idf * tf * 2.2) / (tf + 1.2 * (1 - 0.75 + (0.75 * dl) / (total / 5)));
    const result = await retriever().retrieve({ query: 'fox', tenant: 't1', k: 5 });
    const b = result.chunks.find((c) => c.externalId === 'b')!;
    expect(Math.abs(b.score - expected)).toBeLessThan(1e-6);

    for (const [k1, bb] of [[1.2, 0.75], [0.9, 0.4]] as const) {
      const reference = referenceBm25(corpus.map((d) => ({ id: d.externalId, text: d.text })), analyzer, k1, bb);
      for (const query of ['lazy dog', 'fox fox dog', 'quantum qubits computing', 'walks companions fox']) {
        const got = await retriever(k1, bb).retrieve({ query, tenant: 't1', k: 5 });
        const want = reference.search(query, 5);
        expect(got.chunks.map((c) => c.externalId)).toEqual(want.map((w) => w.id));
        got.chunks.forEach((c, i) => expect(Math.abs(c.score - want[i].score)).toBeLessThan(1e-6));
      }
    }
  });

  it('stays exact after an update and a delete', async () => {
    const changed = [...corpus.slice(0, 2), doc('c', 'Cats are independent; cats ignore dogs'), ...corpus.slice(3)];
    const summary = await ingest(changed);
    expect(summary.documents).toMatchObject({ added: 0, updated: 1, unchanged: 4 });
    const idE = (await db.query<{ id: number }>("SELECT id FROM documents WHERE tenant = 't1' AND external_id = 'e'")).rows[0].id;
    await db.transaction(async (tx) => {
      const r = await deleteDocuments(tx, 't1', [idE]);
      await recordIndexChange(tx, 't1', r.chunkDelta, r.lengthDelta);
    });
    const remaining = changed.filter((d) => d.externalId !== 'e');
    const reference = referenceBm25(remaining.map((d) => ({ id: d.externalId, text: d.text })), analyzer, 1.2, 0.75);
    for (const query of ['dog', 'cats dogs', 'fox lazy']) {
      const got = await retriever().retrieve({ query, tenant: 't1', k: 5 });
      const want = reference.search(query, 5);
      expect(got.chunks.map((c) => c.externalId)).toEqual(want.map((w) => w.id));
      got.chunks.forEach((c, i) => expect(Math.abs(c.score - want[i].score)).toBeLessThan(1e-6));
    }
  });

  it('keeps tenants apart: statistics and results', async () => {
    await ingest([doc('x', 'fox fox fox secret tenant two text')], 't2');
    const t1 = await retriever().retrieve({ query: 'secret', tenant: 't1', k: 5 });
    expect(t1.chunks).toEqual([]);
    const t2 = await retriever().retrieve({ query: 'fox', tenant: 't2', k: 5 });
    expect(t2.chunks.map((c) => c.externalId)).toEqual(['x']);
  });

  it('rejects empty queries and explains stop-word-only queries', async () => {
    await expect(retriever().retrieve({ query: '   ', tenant: 't1' })).rejects.toThrow(/query: must not be empty/);
    const result = await retriever().retrieve({ query: 'the of and', tenant: 't1' });
    expect(result.chunks).toEqual([]);
    expect(result.notices.join(' ')).toMatch(/only stop words/);
  });

  it('reports hybrid degrading to sparse without an embedder, and a confidence in [0, 1]', async () => {
    const r = createRetriever({ db, analyzer, options: retrieveOptionsSchema.parse({ mode: 'hybrid' }) });
    const result = await r.retrieve({ query: 'quantum qubits', tenant: 't1' });
    expect(result.mode).toBe('sparse');
    expect(result.requestedMode).toBe('hybrid');
    expect(result.notices[0]).toMatch(/degraded to sparse/);
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
    const unknown = await r.retrieve({ query: 'quantum zebras xylophones', tenant: 't1' });
    expect(unknown.confidence).toBeLessThan(result.confidence);
  });
});
