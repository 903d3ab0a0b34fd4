import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/types.js';
import { deleteDocuments, recordIndexChange } from '../../src/ingest/document-store.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import type { LoadedDocument } from '../../src/ingest/types.js';
import { mulberry32 } from '../../src/random.js';
import { createEnglishAnalyzer } from '../../src/search-index/analyzer.js';
import { sparseSearch, type SparseQuery } from '../../src/retrieve/sparse-leg.js';
import type { Filter } from '../../src/retrieve/types.js';
import { driverCases } from '../helpers/db-drivers.js';
import { doc, wholeDocumentChunker } from '../helpers/whole-document-chunker.js';

// Top-k pruning must be exact: on a Zipf-distributed synthetic corpus large enough for the pruning
// to engage, every query's pruned top k equals the exhaustive evaluation, also under filters and
// after updates and deletes.
const analyzer = createEnglishAnalyzer();
const random = mulberry32(20261127);
const syllables = ['ka', 'lo', 'mi', 'ru', 'te', 'zo', 'vi', 'na', 'pe', 'su', 'gor', 'bel', 'dax', 'fim', 'quo', 'tri'];
const vocabulary = Array.from({ length: 700 }, (_, i) => {
  let word = '';
  let x = i + 17;
  for (let s = 0; s < 3; s += 1) {
    word += syllables[x % syllables.length];
    x = Math.floor(x / syllables.length) + s * 7;
  }
  return `${word}x${i}`;
});
// Zipf: word i has weight 1 / (i + 1).
const cumulative: number[] = [];
vocabulary.reduce((sum, _, i) => (cumulative[i] = sum + 1 / (i + 1)), 0);
const zipfWord = (): string => {
  const r = random() * cumulative[cumulative.length - 1];
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < r) lo = mid + 1;
    else hi = mid;
  }
  return vocabulary[lo];
};
const text = (words: number): string => Array.from({ length: words }, zipfWord).join(' ');
const corpus: LoadedDocument[] = Array.from({ length: 2500 }, (_, i) => doc(`d${i}`, text(15 + Math.floor(random() * 60)), { metadata: { group: i % 5 } }));
const queries = Array.from({ length: 40 }, () => text(3 + Math.floor(random() * 6)));

const cases = await driverCases('bm25_pruning');

describe.each(cases)('BM25 top-k pruning is exact: $name', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await driver.open();
    await migrate(db);
    await runIngest(corpus.map((document) => ({ document })), { db, tenant: 'z', chunker: wholeDocumentChunker(), analyzer, configFingerprint: {}, titleWeight: 0 });
  }, 120_000);
  afterAll(async () => db.close());

  const compare = async (limit: number, filters?: Filter[]): Promise<number> => {
    let pruned = 0;
    for (const q of queries) {
      const terms = new Map<string, number>();
      for (const t of analyzer.terms(q)) terms.set(t, (terms.get(t) ?? 0) + 1);
      const request: SparseQuery = { tenant: 'z', terms, k1: 1.2, b: 0.75, limit, filters };
      const fast = await sparseSearch(db, request);
      const full = await sparseSearch(db, { ...request, prune: false });
      expect(full.plan.probedTerms).toBe(0);
      expect(fast.results.map((r) => r.chunkId), q).toEqual(full.results.map((r) => r.chunkId));
      fast.results.forEach((r, i) => expect(Math.abs(r.score - full.results[i].score)).toBeLessThan(1e-9));
      expect(fast.upperBound).toBeCloseTo(full.upperBound, 9);
      if (fast.plan.probedTerms > 0) {
        pruned += 1;
        expect(fast.plan.postingsScanned).toBeLessThan(fast.plan.postingsTotal);
      }
    }
    return pruned;
  };

  it('equals the exhaustive evaluation, and prunes most queries', async () => {
    expect(await compare(10)).toBeGreaterThan(queries.length / 2);
    await compare(50);
    await compare(1);
  }, 120_000);

  it('equals it under a selective filter', async () => {
    await compare(10, [{ field: 'group', op: 'eq', value: 3 }]);
  }, 120_000);

  it('equals it after updates and deletes', async () => {
    const changed = corpus.slice(0, 300).map((d, i) => (i % 3 === 0 ? doc(d.externalId, text(40), { metadata: d.metadata }) : d));
    await runIngest(changed.map((document) => ({ document })), { db, tenant: 'z', chunker: wholeDocumentChunker(), analyzer, configFingerprint: {}, titleWeight: 0 });
    const ids = (await db.query<{ id: number }>("SELECT id FROM documents WHERE tenant = 'z' AND external_id LIKE 'd1%' ORDER BY id")).rows.map((r) => r.id);
    await db.transaction(async (tx) => {
      const r = await deleteDocuments(tx, 'z', ids);
      await recordIndexChange(tx, 'z', r.chunkDelta, r.lengthDelta);
    });
    const bad = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM posting_blocks WHERE n <> cardinality(chunk_ids) OR n = 0');
    expect(bad.rows[0].n).toBe(0);
    expect(await compare(10)).toBeGreaterThan(0);
  }, 120_000);
});
