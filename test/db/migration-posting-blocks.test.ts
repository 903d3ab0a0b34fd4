import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/types.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { createEnglishAnalyzer } from '../../src/search-index/analyzer.js';
import { retrieveOptionsSchema } from '../../src/retrieve/retrieve-options.js';
import { createRetriever } from '../../src/retrieve/retriever.js';
import { driverCases } from '../helpers/db-drivers.js';
import { referenceBm25 } from '../helpers/reference-bm25.js';
import { doc, wholeDocumentChunker } from '../helpers/whole-document-chunker.js';

// A database written under 0001's row-per-posting layout keeps its index through 0006: the
// postings move into blocks, BM25 stays exact, and later writes and deletes work on the result.
const analyzer = createEnglishAnalyzer();
const corpus = [
  { id: 'a', text: 'The quick brown fox jumps over the lazy dog' },
  { id: 'b', text: 'A fox is a small omnivorous mammal; the red fox is the largest fox' },
  { id: 'c', text: 'Dogs are loyal companions and dogs like long walks' },
  { id: 'd', text: 'Quantum computing uses qubits' },
];
const cases = await driverCases('migration_0006');

describe.each(cases)('migration 0006 (posting blocks): $name', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await driver.open();
    await migrate(db, readMigrations().filter((m) => m.name < '0006'));
    // Write the old layout by hand, as 0001's writer did.
    let total = 0;
    for (const d of corpus) {
      const terms = analyzer.terms(d.text);
      total += terms.length;
      const counts = new Map<string, number>();
      for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
      const docId = (
        await db.query<{ id: number }>(
          "INSERT INTO documents (tenant, external_id, source, content_hash, config_hash, chunk_count) VALUES ('m', $1, $1, 'h', 'c', 1) RETURNING id",
          [d.id],
        )
      ).rows[0].id;
      const chunkId = (
        await db.query<{ id: number }>(
          "INSERT INTO chunks (document_id, tenant, ordinal, text, token_count, char_start, char_end, term_count) VALUES ($1, 'm', 0, $2, 1, 0, 1, $3) RETURNING id",
          [docId, d.text, terms.length],
        )
      ).rows[0].id;
      await db.query(
        "INSERT INTO chunk_terms (tenant, term, chunk_id, tf, dl) SELECT 'm', t.term, $1, t.tf, $2 FROM unnest($3::text[], $4::int[]) AS t(term, tf)",
        [chunkId, terms.length, [...counts.keys()], [...counts.values()]],
      );
    }
    await db.query("INSERT INTO tenant_term_stats (tenant, chunk_delta, length_delta) VALUES ('m', $1, $2)", [corpus.length, total]);
    await migrate(db);
  });
  afterAll(async () => db.close());

  const check = async (docs: Array<{ id: string; text: string }>) => {
    const reference = referenceBm25(docs, analyzer, 1.2, 0.75);
    const retriever = createRetriever({ db, analyzer, options: retrieveOptionsSchema.parse({ mode: 'sparse' }) });
    for (const query of ['fox dog', 'lazy', 'quantum qubits', 'dogs walks fox']) {
      const got = await retriever.retrieve({ query, tenant: 'm', k: 5 });
      const want = reference.search(query, 5);
      expect(got.chunks.map((c) => c.externalId)).toEqual(want.map((w) => w.id));
      got.chunks.forEach((c, i) => expect(Math.abs(c.score - want[i].score)).toBeLessThan(1e-6));
    }
  };

  it('moves the postings into blocks and keeps BM25 exact', async () => {
    const tables = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'chunk_terms'");
    expect(tables.rows[0].n).toBe(0);
    const chunks = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM chunks WHERE posting_block IS NOT NULL AND cardinality(terms) > 0");
    expect(chunks.rows[0].n).toBe(corpus.length);
    await check(corpus);
  });

  it('takes new writes and deletes on the migrated index', async () => {
    const next = [doc('b', 'Foxes and dogs: a fox chases dogs'), doc('e', 'A lazy fox naps')];
    const docs = [corpus[0], { id: 'b', text: next[0].text }, ...corpus.slice(2), { id: 'e', text: next[1].text }];
    // b is replaced (its old postings leave the migrated block), e is added in a new block.
    const summary = await runIngest(next.map((document) => ({ document })), { db, tenant: 'm', chunker: wholeDocumentChunker(), analyzer, configFingerprint: {}, titleWeight: 0 });
    expect(summary.documents).toMatchObject({ added: 1, updated: 1 });
    await check(docs);
  });
});
