import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { migrate } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/types.js';
import { deleteDocuments, recordIndexChange } from '../../src/ingest/document-store.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import type { LoadedDocument } from '../../src/ingest/types.js';
import { mulberry32 } from '../../src/random.js';
import { createEnglishAnalyzer } from '../../src/search-index/analyzer.js';
import { createPostingCache, type PostingCache } from '../../src/retrieve/posting-cache.js';
import { retrieveOptionsSchema } from '../../src/retrieve/retrieve-options.js';
import { sparseSearch, type SparseQuery, type SparseResult } from '../../src/retrieve/sparse-leg.js';
import { driverCases } from '../helpers/db-drivers.js';
import { doc, wholeDocumentChunker } from '../helpers/whole-document-chunker.js';

// The in-process posting cache must give the SQL evaluation's results (same ranking, same scores
// up to floating-point summation order, same upper bound), and never serve postings the database
// has changed.
const analyzer = createEnglishAnalyzer();
const random = mulberry32(7);
const vocabulary = Array.from({ length: 300 }, (_, i) => `w${i.toString(36)}q`);
const zipfWord = (): string => vocabulary[Math.min(vocabulary.length - 1, Math.floor(1 / (random() + 1 / vocabulary.length)) - 1)];
const text = (words: number): string => Array.from({ length: words }, zipfWord).join(' ');
const corpus: LoadedDocument[] = Array.from({ length: 600 }, (_, i) => doc(`d${i}`, text(10 + Math.floor(random() * 50)), { metadata: { group: i % 4 } }));
const queries = [
  ...Array.from({ length: 25 }, () => text(2 + Math.floor(random() * 6))),
  // Repeated terms (query frequency 2) and terms no document holds.
  `${vocabulary[3]} ${vocabulary[3]} ${vocabulary[40]}`,
  `${vocabulary[5]} neverseenterm anotherunknown`,
];

const termsOf = (q: string): Map<string, number> => {
  const terms = new Map<string, number>();
  for (const t of analyzer.terms(q)) terms.set(t, (terms.get(t) ?? 0) + 1);
  return terms;
};

const ingest = (db: Db, tenant: string, docs: LoadedDocument[]) =>
  runIngest(docs.map((document) => ({ document })), { db, tenant, chunker: wholeDocumentChunker(), analyzer, configFingerprint: {}, titleWeight: 0 });

/**
 * Same scores position by position (1e-9), and the same chunks: within each run of tied scores
 * (summation order may break a tie the other way) the same set, but for the last run, which the
 * limit may cut.
 */
function sameRanking(got: SparseResult, want: SparseResult, label: string): void {
  expect(got.results.length, label).toBe(want.results.length);
  got.results.forEach((r, i) => expect(Math.abs(r.score - want.results[i].score), label).toBeLessThan(1e-9));
  let start = 0;
  for (let i = 1; i <= want.results.length; i += 1) {
    if (i < want.results.length && Math.abs(want.results[i].score - want.results[i - 1].score) < 1e-9) continue;
    if (i < want.results.length) {
      const ids = (rs: SparseResult) => rs.results.slice(start, i).map((r) => r.chunkId).sort((x, y) => x - y);
      expect(ids(got), label).toEqual(ids(want));
    }
    start = i;
  }
  // Without ties (the usual case) the order is the same, id for id.
  const ties = want.results.some((r, i) => i > 0 && Math.abs(r.score - want.results[i - 1].score) < 1e-9);
  if (!ties) expect(got.results.map((r) => r.chunkId), label).toEqual(want.results.map((r) => r.chunkId));
}

const cases = await driverCases('posting_cache');

describe.each(cases)('posting cache: $name', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await driver.open();
    await migrate(db);
    await ingest(db, 'a', corpus);
  }, 120_000);
  afterAll(async () => db.close());

  /** Every query through the cache equals the SQL evaluation exactly; returns the cached results. */
  const agree = async (cache: PostingCache, tenant = 'a', limits = [1, 10, 50], qs = queries): Promise<SparseResult[]> => {
    const out: SparseResult[] = [];
    for (const q of qs) {
      for (const limit of limits) {
        const request: SparseQuery = { tenant, terms: termsOf(q), k1: 1.2, b: 0.75, limit };
        const cached = await sparseSearch(db, request, cache);
        const sql = await sparseSearch(db, { ...request, prune: false });
        expect(sql.plan.source).toBe('sql');
        sameRanking(cached, sql, `${q} @${limit}`);
        expect(Math.abs(cached.upperBound - sql.upperBound)).toBeLessThan(1e-9);
        expect(cached.collectionSize).toBe(sql.collectionSize);
        out.push(cached);
      }
    }
    return out;
  };

  it('scores from memory exactly as SQL does, and fetches each term once', async () => {
    const cache = createPostingCache({ maxPostings: 1_000_000, maxQueryPostings: 1_000_000 });
    const first = await agree(cache);
    expect(first.every((r) => r.plan.source === 'memory')).toBe(true);
    expect(first.some((r) => r.results.length === 50)).toBe(true);
    const fetches = cache.stats().termFetches;
    await agree(cache);
    // The second pass finds every list current: nothing fetched again.
    expect(cache.stats().termFetches).toBe(fetches);
    expect(cache.stats().termHits).toBeGreaterThan(0);
  }, 120_000);

  it('never serves postings changed by an update, a delete or a new document', async () => {
    const cache = createPostingCache({ maxPostings: 1_000_000, maxQueryPostings: 1_000_000 });
    const probe = `${vocabulary[2]} zanzibarite`;
    const before = await agree(cache, 'a', [10], [...queries, probe]);
    // 'zanzibarite' is absent: cached as such.
    expect(before.at(-1)!.results.every((r) => r.chunkId > 0)).toBe(true);
    await ingest(db, 'a', [...corpus.slice(0, 120).map((d, i) => (i % 2 === 0 ? doc(d.externalId, text(30), { metadata: d.metadata }) : d)), doc('fresh', 'zanzibarite zanzibarite zanzibarite')]);
    const ids = (await db.query<{ id: number }>("SELECT id FROM documents WHERE tenant = 'a' AND external_id LIKE 'd3%' ORDER BY id")).rows.map((r) => r.id);
    await db.transaction(async (tx) => {
      const r = await deleteDocuments(tx, 'a', ids);
      await recordIndexChange(tx, 'a', r.chunkDelta, r.lengthDelta);
    });
    const after = await agree(cache, 'a', [10], [...queries, probe]);
    const fresh = (await db.query<{ id: number }>("SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.tenant = 'a' AND d.external_id = 'fresh'")).rows[0].id;
    expect(after.at(-1)!.results[0].chunkId).toBe(fresh);
  }, 120_000);

  it('is not fooled by a tenant row created again (its version counter restarts)', async () => {
    const cache = createPostingCache({ maxPostings: 1_000_000, maxQueryPostings: 1_000_000 });
    await ingest(db, 'r', corpus.slice(0, 50));
    await agree(cache, 'r', [10]);
    for (const table of ['posting_blocks', 'chunks', 'documents', 'tenant_term_stats', 'tenants']) await db.query(`DELETE FROM ${table} WHERE tenant = $1`, ['r']);
    await ingest(db, 'r', corpus.slice(300, 360));
    expect((await db.query<{ v: number }>("SELECT index_version::int AS v FROM tenants WHERE tenant = 'r'")).rows[0].v).toBe(1);
    await agree(cache, 'r', [10]);
  }, 120_000);

  it('keeps tenants apart', async () => {
    const cache = createPostingCache({ maxPostings: 1_000_000, maxQueryPostings: 1_000_000 });
    await ingest(db, 'b', corpus.slice(0, 40));
    const bIds = new Set((await db.query<{ id: number }>("SELECT id FROM chunks WHERE tenant = 'b'")).rows.map((r) => r.id));
    await agree(cache, 'a', [10]);
    const b = await agree(cache, 'b', [10]);
    expect(b.some((r) => r.results.length > 0)).toBe(true);
    for (const r of b) for (const hit of r.results) expect(bIds.has(hit.chunkId)).toBe(true);
  }, 120_000);

  it('stays within its postings budget, evicting the least recently used', async () => {
    const cache = createPostingCache({ maxPostings: 3000, maxQueryPostings: 1_000_000 });
    await agree(cache, 'a', [10]);
    const { postings, terms } = cache.stats();
    expect(postings).toBeLessThanOrEqual(3000);
    expect(terms).toBeGreaterThan(0);
  }, 120_000);

  it('leaves large fetches and filtered queries to SQL', async () => {
    const cache = createPostingCache({ maxPostings: 1_000_000, maxQueryPostings: 50 });
    const common = `${vocabulary[0]} ${vocabulary[1]}`;
    const big = await agree(cache, 'a', [10], [common]);
    expect(big[0].plan.source).toBe('sql');
    expect(cache.stats().declined).toBe(1);
    expect(cache.stats().postings).toBe(0);
    const roomy = createPostingCache({ maxPostings: 1_000_000, maxQueryPostings: 1_000_000 });
    const filtered = await sparseSearch(db, { tenant: 'a', terms: termsOf(common), k1: 1.2, b: 0.75, limit: 10, filters: [{ field: 'group', op: 'eq', value: 1 }] }, roomy);
    expect(filtered.plan.source).toBe('sql');
    expect(roomy.stats().queries).toBe(0);
  }, 120_000);
});

describe('posting cache options', () => {
  it('is on by default with a bounded size, and can be turned off', () => {
    const defaults = retrieveOptionsSchema.parse({});
    expect(defaults.postingCache).toEqual({ maxPostings: 4_000_000, maxQueryPostings: 250_000 });
    expect(retrieveOptionsSchema.parse({ postingCache: { maxPostings: 0 } }).postingCache.maxPostings).toBe(0);
    expect(() => retrieveOptionsSchema.parse({ postingCache: { maxPostings: -1 } })).toThrow();
    expect(() => createPostingCache({ maxPostings: 1.5, maxQueryPostings: 1 })).toThrow(/maxPostings/);
  });
});

describe('configuration errors name the key', () => {
  it('refuses a bad posting cache size or prepare worker count with the key and the value', () => {
    expect(() => parseConfig({ retrieve: { postingCache: { maxPostings: 'lots' } } })).toThrow(/retrieve\.postingCache\.maxPostings: got "lots"/);
    expect(() => parseConfig({ ingest: { prepareWorkers: -1 } })).toThrow(/ingest\.prepareWorkers: got -1/);
    expect(parseConfig({ ingest: { prepareWorkers: 0 } }).ingest.prepareWorkers).toBe(0);
  });
});
