import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/types.js';
import { runIngest, type SourceItem } from '../../src/ingest/pipeline.js';
import type { LoadedDocument } from '../../src/ingest/types.js';
import { createEnglishAnalyzer } from '../../src/search-index/analyzer.js';
import { driverCases } from '../helpers/db-drivers.js';
import { hashedEmbedder } from '../helpers/hashed-embedder.js';
import { doc, wholeDocumentChunker } from '../helpers/whole-document-chunker.js';

const analyzer = createEnglishAnalyzer();
const cases = await driverCases('pipeline');

describe.each(cases)('ingest pipeline: $name', (driver) => {
  let db: Db;
  const ingest = (docs: LoadedDocument[], extra: Partial<Parameters<typeof runIngest>[1]> = {}) =>
    runIngest(docs.map((document): SourceItem => ({ document })), {
      db,
      tenant: 'p',
      chunker: wholeDocumentChunker('paragraph'),
      analyzer,
      configFingerprint: { size: 1 },
      titleWeight: 1,
      batchDocuments: 3,
      ...extra,
    });
  const state = async () =>
    (
      await db.query<{ external_id: string; version: number; texts: string[] }>(
        `SELECT d.external_id, d.version, array_agg(c.text ORDER BY c.ordinal) AS texts
           FROM documents d JOIN chunks c ON c.document_id = d.id WHERE d.tenant = 'p' GROUP BY d.id ORDER BY d.external_id`,
      )
    ).rows;
  const stats = async () =>
    (await db.query<{ n: number; total: number }>("SELECT sum(chunk_delta)::int AS n, sum(length_delta)::int AS total FROM tenant_term_stats WHERE tenant = 'p'")).rows[0];
  const truth = async () =>
    (await db.query<{ n: number; total: number }>("SELECT count(*)::int AS n, COALESCE(sum(term_count), 0)::int AS total FROM chunks WHERE tenant = 'p'")).rows[0];

  const v1 = [doc('a.md', 'Alpha one.\n\nAlpha two.', { title: 'A' }), doc('b.md', 'Beta.'), doc('c.md', 'Gamma.'), doc('d.md', 'Delta.')];

  beforeAll(async () => {
    db = await driver.open();
    await migrate(db);
  });
  afterAll(async () => db.close());

  it('adds, then skips unchanged documents on a re-run (nothing changes the second time)', async () => {
    const first = await ingest(v1);
    expect(first.documents).toEqual({ added: 4, updated: 0, unchanged: 0, deleted: 0, skipped: 0 });
    expect(first.chunks).toBe(5);
    const before = await state();
    const second = await ingest(v1);
    expect(second.documents).toEqual({ added: 0, updated: 0, unchanged: 4, deleted: 0, skipped: 0 });
    expect(second.chunks).toBe(0);
    expect(await state()).toEqual(before);
    expect(await stats()).toEqual(await truth());
  });

  it('replaces a changed document and re-chunks everything when the configuration changes', async () => {
    const changed = [doc('a.md', 'Alpha rewritten.', { title: 'A' }), ...v1.slice(1)];
    const summary = await ingest(changed);
    expect(summary.documents).toMatchObject({ updated: 1, unchanged: 3 });
    const rows = await state();
    expect(rows.find((r) => r.external_id === 'a.md')).toEqual({ external_id: 'a.md', version: 2, texts: ['Alpha rewritten.'] });
    const reconfigured = await ingest(changed, { configFingerprint: { size: 2 } });
    expect(reconfigured.documents).toMatchObject({ updated: 4, unchanged: 0 });
    expect(await stats()).toEqual(await truth());
  });

  it('a failure injected mid-batch rolls back that document alone and keeps its previous version', async () => {
    const before = await state();
    const next = [doc('a.md', 'Alpha v3.', { title: 'A' }), doc('b.md', 'Beta v2.'), doc('c.md', 'Gamma v2.')];
    const summary = await ingest(next, {
      configFingerprint: { size: 2 },
      beforeWriteDocument: (d) => {
        if (d.externalId === 'b.md') throw new Error('disk on fire');
      },
    });
    expect(summary.documents).toMatchObject({ updated: 2, skipped: 1 });
    expect(summary.skipped[0]).toEqual({ path: '/docs/b.md', reason: 'write failed, previous version kept: disk on fire' });
    const after = await state();
    expect(after.find((r) => r.external_id === 'b.md')).toEqual(before.find((r) => r.external_id === 'b.md'));
    expect(after.find((r) => r.external_id === 'a.md')!.texts).toEqual(['Alpha v3.']);
    expect(await stats()).toEqual(await truth());
    // A re-run completes the rest.
    const rerun = await ingest(next, { configFingerprint: { size: 2 } });
    expect(rerun.documents).toMatchObject({ updated: 1, unchanged: 2 });
  });

  it('prunes documents whose files are gone, and only under the given roots', async () => {
    const summary = await ingest([doc('a.md', 'Alpha v3.', { title: 'A' })], { configFingerprint: { size: 2 }, prune: { sourcePrefixes: ['/docs/'] } });
    expect(summary.documents.deleted).toBe(3);
    expect((await state()).map((r) => r.external_id)).toEqual(['a.md']);
    expect(await stats()).toEqual(await truth());
    const orphans = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM posting_blocks p CROSS JOIN LATERAL unnest(p.chunk_ids) AS u(id) WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = u.id)',
    );
    expect(orphans.rows[0].n).toBe(0);
    // Every block row is consistent: n counts its entries, and no emptied row is left behind.
    const bad = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM posting_blocks WHERE n <> cardinality(chunk_ids) OR n = 0 OR cardinality(tfs) <> n OR cardinality(dls) <> n');
    expect(bad.rows[0].n).toBe(0);
  });

  it('vacuums the postings after a large write, without a notice', async () => {
    const big = doc('big.md', Array.from({ length: 2100 }, (_, i) => `Paragraph ${i} about topic ${i % 7}.`).join('\n\n'));
    const summary = await runIngest([{ document: big }], { db, tenant: 'v', chunker: wholeDocumentChunker('paragraph'), analyzer, configFingerprint: {}, titleWeight: 0 });
    expect(summary.chunks).toBe(2100);
    expect(summary.notices).toEqual([]);
    if (db.kind === 'pglite') {
      // PGlite has no autovacuum: the ingest gathered the statistics of the tables it wrote.
      const tuples = async (table: string) => (await db.query<{ n: number }>('SELECT reltuples::float8 AS n FROM pg_class WHERE relname = $1', [table])).rows[0].n;
      const count = async (table: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
      for (const table of ['chunks', 'posting_blocks']) expect(await tuples(table), table).toBe(await count(table));
      // documents moved by a row or two: within the threshold, but analyzed once already.
      expect(await tuples('documents')).toBeGreaterThanOrEqual(0);
    }
  });

  it('dry run writes nothing', async () => {
    const before = await state();
    const summary = await ingest([doc('z.md', 'Zeta.')], { dryRun: true });
    expect(summary.documents.added).toBe(1);
    expect(await state()).toEqual(before);
  });

  it('stores embeddings with the chunks and backfills chunks written before an embedder existed', async () => {
    const embedder = hashedEmbedder({ dimensions: 8 });
    await ingest([doc('a.md', 'Alpha v3.', { title: 'A' }), doc('e.md', 'Epsilon.')], { configFingerprint: { size: 2 }, embedder });
    const { rows } = await db.query<{ n: number; chunks: number }>(
      "SELECT (SELECT count(*) FROM chunk_embeddings WHERE tenant = 'p')::int AS n, (SELECT count(*) FROM chunks WHERE tenant = 'p')::int AS chunks",
    );
    expect(rows[0].n).toBe(rows[0].chunks);
    await expect(ingest([doc('f.md', 'Phi.')], { configFingerprint: { size: 2 }, embedder: hashedEmbedder({ dimensions: 8, id: 'test:other' }) })).rejects.toThrow(
      /indexed with test:hashed-bow .*--reembed/,
    );
    const switched = await ingest([doc('f.md', 'Phi.')], { configFingerprint: { size: 2 }, embedder: hashedEmbedder({ dimensions: 12, id: 'test:other' }), reembed: true });
    expect(switched.documents.added).toBe(1);
    const active = await db.query<{ model_id: string; n: number }>(
      "SELECT e.model_id, (SELECT count(*) FROM chunk_embeddings ce WHERE ce.tenant = 'p')::int AS n FROM tenant_embedders t JOIN embedders e ON e.id = t.active_embedder_id WHERE t.tenant = 'p'",
    );
    expect(active.rows[0].model_id).toBe('test:other');
    expect(active.rows[0].n).toBe((await truth()).n);
  });
});
