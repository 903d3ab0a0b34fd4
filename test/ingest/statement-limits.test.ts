import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import type { Db, Queryable } from '../../src/db/types.js';
import { BLOCK_CHUNKS, blockGroups, type BlockEntry } from '../../src/search-index/posting-blocks.js';
import { packAnalysis } from '../../src/search-index/document-analysis.js';
import { runIngest, type SourceItem } from '../../src/ingest/pipeline.js';
import type { LoadedDocument } from '../../src/ingest/types.js';
import { createEnglishAnalyzer } from '../../src/search-index/analyzer.js';
import { retrieveOptionsSchema } from '../../src/retrieve/retrieve-options.js';
import { createRetriever } from '../../src/retrieve/retriever.js';
import { driverCases } from '../helpers/db-drivers.js';
import { hashedEmbedder } from '../helpers/hashed-embedder.js';
import { doc, wholeDocumentChunker } from '../helpers/whole-document-chunker.js';

const analyzer = createEnglishAnalyzer();
const cases = await driverCases('statement_limits');

/** A document of `paragraphs` paragraphs (one chunk each with the paragraph chunker), words varied by a seed. */
function paragraphs(count: number, wordsEach: number, seed = 1): string {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'theta', 'kappa', 'lambda', 'sigma', 'omega', 'rho'];
  let x = seed;
  const out: string[] = [];
  for (let p = 0; p < count; p += 1) {
    const line: string[] = [`para${p}`];
    for (let w = 1; w < wordsEach; w += 1) {
      x = (x * 1103515245 + 12345) % 2147483648;
      line.push(`${words[x % words.length]}${x % 97}`);
    }
    out.push(line.join(' '));
  }
  return out.join('\n\n');
}

/** A Db whose statements are counted by their first words (INSERT INTO chunks, ...). */
function counting(db: Db): { db: Db; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const note = (sql: string): void => {
    const key = /^\s*(INSERT INTO \w+)/.exec(sql)?.[1];
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  const wrap = (target: Queryable): Queryable => ({
    query: (sql, params, options) => {
      note(sql);
      return target.query(sql, params, options);
    },
    exec: (sql) => target.exec(sql),
  });
  return { db: { ...db, ...wrap(db), transaction: (fn, options) => db.transaction((tx) => fn(wrap(tx)), options), close: () => db.close() }, counts };
}

describe('blockGroups', () => {
  // Chunk c has c + 1 postings.
  const analysis = packAnalysis(Array.from({ length: 6 }, (_, c) => ({ frequencies: new Map(Array.from({ length: c + 1 }, (_, t) => [`t${t}`, 1])), termCount: c + 1 })));
  const entries: BlockEntry[] = [0, 1, 2, 3, 4, 5].map((c) => ({ chunkId: c + 1, blockId: 10 + Math.floor(c / 2), analysis, chunk: c }));
  const blocksOf = (groups: BlockEntry[][]) => groups.map((group) => group.map((e) => e.blockId));

  it('keeps whole blocks together and each group within the postings limit', () => {
    // Blocks hold 1+2 = 3, 3+4 = 7 and 5+6 = 11 postings.
    expect(blocksOf(blockGroups(entries, 9))).toEqual([[10, 10], [11, 11], [12, 12]]);
    expect(blocksOf(blockGroups(entries, 10))).toEqual([[10, 10, 11, 11], [12, 12]]);
    expect(blockGroups(entries, 10).flat()).toEqual(entries);
    expect(blockGroups(entries, 1_000)).toHaveLength(1);
  });

  it('puts a block larger than the limit in a group of its own', () => {
    expect(blocksOf(blockGroups(entries, 1))).toEqual([[10, 10], [11, 11], [12, 12]]);
    expect(blockGroups([], 10)).toEqual([]);
  });
});

describe.each(cases)('write statements of bounded size: $name', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await driver.open();
    await migrate(db);
  });
  afterAll(async () => db.close());

  const ingest = (target: Db, tenant: string, documents: LoadedDocument[], extra: Partial<Parameters<typeof runIngest>[1]> = {}) =>
    runIngest(
      documents.map((document): SourceItem => ({ document })),
      { db: target, tenant, chunker: wholeDocumentChunker('paragraph'), analyzer, configFingerprint: {}, titleWeight: 1, prepareWorkers: 0, ...extra },
    );
  /** The tenant's chunks and postings, with chunk ids replaced by (document, ordinal) so tenants compare. */
  const contents = async (tenant: string) => {
    const chunks = await db.query<{ external_id: string; ordinal: number; text: string; term_count: number; terms: string[]; id: number }>(
      `SELECT d.external_id, c.ordinal, c.text, c.term_count, c.terms, c.id FROM chunks c JOIN documents d ON d.id = c.document_id
        WHERE c.tenant = $1 ORDER BY d.external_id, c.ordinal`,
      [tenant],
    );
    const name = new Map(chunks.rows.map((c) => [Number(c.id), `${c.external_id}#${c.ordinal}`]));
    const postings = await db.query<{ term: string; chunk_ids: number[]; tfs: number[]; dls: number[] }>(
      'SELECT term, chunk_ids, tfs, dls FROM posting_blocks WHERE tenant = $1',
      [tenant],
    );
    const entries = postings.rows.flatMap((row) => row.chunk_ids.map((id, i) => `${row.term} ${name.get(Number(id))} ${row.tfs[i]} ${row.dls[i]}`)).sort();
    const stats = await db.query<{ n: number; total: number }>('SELECT sum(chunk_delta)::int AS n, sum(length_delta)::int AS total FROM tenant_term_stats WHERE tenant = $1', [tenant]);
    return { chunks: chunks.rows.map(({ id: _id, ...rest }) => rest), entries, stats: stats.rows[0] };
  };

  it('writes a large document in several statements with the same rows and postings as one statement', async () => {
    // Three posting blocks' worth of chunks, plus a small document in the same batch.
    const documents = [doc('big.md', paragraphs(BLOCK_CHUNKS * 2 + 50, 30)), doc('small.md', 'A small note about para7 and gamma.')];
    const whole = counting(db);
    const one = await ingest(whole.db, 'whole', documents);
    const split = counting(db);
    const many = await ingest(split.db, 'split', documents, { statementLimits: { chunkRowBytes: 16 * 1024, postings: 2_000 } });
    expect(many.documents).toEqual(one.documents);
    expect(many.chunks).toBe(BLOCK_CHUNKS * 2 + 51);
    expect(whole.counts.get('INSERT INTO chunks')).toBe(1);
    expect(whole.counts.get('INSERT INTO posting_blocks')).toBe(1);
    expect(split.counts.get('INSERT INTO chunks')).toBeGreaterThan(5);
    expect(split.counts.get('INSERT INTO posting_blocks')).toBe(3);
    const [a, b] = [await contents('whole'), await contents('split')];
    expect(b.chunks).toEqual(a.chunks);
    expect(b.entries).toEqual(a.entries);
    expect(b.stats).toEqual(a.stats);
    // Every chunk is in exactly one block, and a re-ingest of a changed document replaces it whole.
    const changed = [doc('big.md', paragraphs(BLOCK_CHUNKS + 10, 30, 2)), documents[1]];
    const again = await ingest(split.db, 'split', changed, { statementLimits: { chunkRowBytes: 16 * 1024, postings: 2_000 } });
    expect(again.documents).toMatchObject({ updated: 1, unchanged: 1 });
    await ingest(db, 'whole', changed);
    const [c, d] = [await contents('whole'), await contents('split')];
    expect(d.entries).toEqual(c.entries);
    expect(d.stats).toEqual({ n: BLOCK_CHUNKS + 11, total: c.stats.total });
  });

  it('splits the embeddings of a large document the same way, one per chunk', async () => {
    const counted = counting(db);
    const summary = await ingest(counted.db, 'embedded', [doc('big.md', paragraphs(300, 20))], {
      embedder: hashedEmbedder({ dimensions: 16 }),
      statementLimits: { chunkRowBytes: 8 * 1024, postings: 2_000 },
    });
    expect(summary.chunks).toBe(300);
    expect(counted.counts.get('INSERT INTO chunk_embeddings')).toBeGreaterThan(2);
    const { rows } = await db.query<{ n: number; distinct: number }>(
      "SELECT count(*)::int AS n, count(DISTINCT chunk_id)::int AS distinct FROM chunk_embeddings WHERE tenant = 'embedded'",
    );
    expect(rows[0]).toEqual({ n: 300, distinct: 300 });
  });
});

describe.skipIf(!cases.some((c) => c.name === 'pglite'))('a large document on PGlite', () => {
  it('ingests ~6 MB of text in one document (two chunk statements at the default limits) and finds its last paragraph', async () => {
    const db = await cases.find((c) => c.name === 'pglite')!.open();
    try {
      await migrate(db);
      // 3,000 paragraphs of ~2 KB: more chunk rows than DEFAULT_STATEMENT_LIMITS.chunkRowBytes.
      const text = `${paragraphs(3_000, 280)}\n\nThe closing paragraph names zyzzogeton once.`;
      expect(text.length).toBeGreaterThan(5_000_000);
      const counted = counting(db);
      const summary = await runIngest([{ document: doc('huge.md', text) }], {
        db: counted.db,
        tenant: 'big',
        chunker: wholeDocumentChunker('paragraph'),
        analyzer,
        configFingerprint: {},
        titleWeight: 1,
      });
      expect(summary.skipped).toEqual([]);
      expect(summary.chunks).toBe(3_001);
      expect(counted.counts.get('INSERT INTO chunks')).toBeGreaterThanOrEqual(2);
      const retriever = createRetriever({ db, analyzer, options: retrieveOptionsSchema.parse({ mode: 'sparse' }) });
      const found = await retriever.retrieve({ query: 'zyzzogeton', tenant: 'big', k: 3 });
      expect(found.chunks).toHaveLength(1);
      expect(found.chunks[0].text).toContain('zyzzogeton');
    } finally {
      await db.close();
    }
  }, 60_000);
});
