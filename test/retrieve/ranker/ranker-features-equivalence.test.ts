import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../src/db/migrate.js';
import type { Db } from '../../../src/db/types.js';
import { runIngest } from '../../../src/ingest/pipeline.js';
import { createCandidateAnalysisCache } from '../../../src/retrieve/ranker/candidate-analysis.js';
import { computeRankerFeatures, loadRankerStatistics, rankerFeatureRows, statisticsFromFirstStage, type RankerTimings } from '../../../src/retrieve/ranker/ranker-features.js';
import { sparseSearch } from '../../../src/retrieve/sparse-leg.js';
import { loadStoredTerms, storedTermList, type StoredTerms } from '../../../src/retrieve/ranker/stored-terms.js';
import { createPostingCache } from '../../../src/retrieve/posting-cache.js';
import { createRankerStatisticsCache } from '../../../src/retrieve/ranker/ranker-statistics.js';
import { collectRankerRows } from '../../../src/retrieve/ranker/ranker-rows.js';
import { fitRanker } from '../../../src/retrieve/ranker/train-ranker.js';
import { rm3Query } from '../../../src/retrieve/ranker/rm3.js';
import { retrieveOptionsSchema } from '../../../src/retrieve/retrieve-options.js';
import { createRetriever, loadChunks } from '../../../src/retrieve/retriever.js';
import type { RetrievedChunk } from '../../../src/retrieve/types.js';
import { createEnglishAnalyzer } from '../../../src/search-index/analyzer.js';
import { driverCases } from '../../helpers/db-drivers.js';
import { doc, wholeDocumentChunker } from '../../helpers/whole-document-chunker.js';
import * as before from './fixtures/ranker-features-before.js';

/**
 * The cost work of issue 20 (analysis cache, counts of the looked-up terms only, one statistics
 * statement) must not move a feature: rows here are compared with the implementation before it
 * (fixtures/ranker-features-before.ts) bit for bit (Object.is per value).
 */
const analyzer = createEnglishAnalyzer();

/** Deterministic words: plain, stop words, numbers, hyphenated and mixed-case entities, diacritics, NFKC ligatures, possessives. */
const VOCABULARY = [
  'vitamin', 'D', 'bone', 'density', 'older', 'adults', 'the', 'of', 'and', 'in', 'risk', 'IL-6', 'BRCA1', 'mRNA', 'Denmark',
  'cohort', 'trial', '2010', '3.5', '1,200', 'patients', 'patient\'s', 'café', 'naïve', 'ﬁbrosis', 'São', 'Paulo', 'T-cell',
  'increases', 'increased', 'increasing', 'mortality', 'dose', 'response', 'week', '12', 'placebo', 'randomized', 'effect',
  'COVID-19', 'Müller', 'straße', 'β-catenin', 'signalling', 'pathway', 'tumour', 'growth', 'is', 'not', 'with',
];

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function sentence(random: () => number, words: number): string {
  return Array.from({ length: words }, () => VOCABULARY[Math.floor(random() * VOCABULARY.length)]).join(' ');
}

/** 120 candidates over 40 documents (several chunks share a title), some with heading paths, some empty. */
function fixtureCandidates(): RetrievedChunk[] {
  const random = seeded(20);
  return Array.from({ length: 120 }, (_, i) => {
    const documentId = 1 + (i % 40);
    const headingPath = i % 3 === 0 ? [sentence(random, 2), sentence(random, 3)] : i % 7 === 0 ? [sentence(random, 1)] : [];
    const text = i === 17 ? '' : `${sentence(random, 10 + Math.floor(random() * 120))}. ${sentence(random, 8)}`;
    const score = 30 - i * 0.2 + random();
    return {
      chunkId: 1000 + i, documentId, externalId: `d${documentId}`, documentVersion: 1, source: `d${documentId}`,
      title: documentId % 9 === 0 ? '' : `Title ${documentId % 13} ${sentence(seeded(documentId), 4)}`,
      text, ordinal: Math.floor(i / 40), headingPath, metadata: {}, score,
      scores: i % 4 === 0 ? { sparse: score, sparseRank: i + 1, dense: 0.5 - i / 500, denseRank: 120 - i } : { sparse: score, sparseRank: i + 1 },
    };
  });
}

const QUERIES = [
  'Does vitamin D increase bone density in older adults?',
  'IL-6 and BRCA1 risk in Denmark after 2010',
  'mRNA dose response over 12 weeks vs placebo',
  'café naïve ﬁbrosis São Paulo',
  'T-cell β-catenin signalling pathway in tumour growth',
  'mortality',
  'COVID-19 trial of 1,200 patients, 3.5 mg',
];

/** Every value, bit for bit; on a mismatch, says where. */
function expectIdentical(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  let mismatches = 0;
  let first = '';
  // Features added since (appended: window coverage) are not the fixture's; its columns come first, unmoved.
  actual = actual.map((row) => row.slice(0, before.RANKER_FEATURES.length));
  actual.forEach((row, i) => {
    expect(row.length).toBe(expected[i].length);
    row.forEach((value, j) => {
      if (!Object.is(value, expected[i][j])) {
        mismatches++;
        first ||= `row ${i} column ${before.RANKER_FEATURES[j]}: ${value} vs ${expected[i][j]}`;
      }
    });
  });
  expect(first).toBe('');
  expect(mismatches).toBe(0);
}

describe('ranker features: bit-identical to the implementation before the cost work', () => {
  const candidates = fixtureCandidates();

  it('computes the same rows from the same statistics, with and without the analysis cache, cold and warm', () => {
    const cache = createCandidateAnalysisCache(analyzer, { maxBytes: 64 * 1024 * 1024 });
    const random = seeded(7);
    for (const query of QUERIES) {
      const queryTerms = analyzer.terms(query);
      const input = { query, queryTerms, candidates, titleWeight: 1 };
      const oldAnalyzed = candidates.map((c) => before.analyzeCandidate(analyzer, c));
      const queryCounts = new Map<string, number>();
      for (const term of queryTerms) queryCounts.set(term, (queryCounts.get(term) ?? 0) + 1);
      const expanded = rm3Query(queryCounts, oldAnalyzed.slice(0, 10).map((a, i) => ({ terms: a.body.concat(a.title), score: candidates[i].score })));
      // Statistics as the database would give them: df for most expanded terms (some absent), chunks for most documents.
      const df = new Map([...expanded.keys()].filter(() => random() < 0.85).map((term) => [term, 1 + Math.floor(random() * 400)]));
      const statistics = { n: 5000, avgdl: 87.25, df, documentChunks: new Map(Array.from({ length: 38 }, (_, d) => [d + 1, 1 + (d % 4)])) };
      const expected = before.rankerFeatureRows(input, oldAnalyzed, expanded, statistics);
      for (const pass of ['cold', 'warm']) {
        const analyzed = cache.analyzeAll(candidates);
        const newExpanded = rm3Query(queryCounts, analyzed.slice(0, 10).map((a, i) => ({ terms: a.body.concat(a.title), score: candidates[i].score })));
        expect([...newExpanded], `${query} (${pass})`).toEqual([...expanded]);
        expectIdentical(rankerFeatureRows(input, analyzed, newExpanded, statistics), expected);
      }
      const uncached = createCandidateAnalysisCache(analyzer, { maxBytes: 0 }).analyzeAll(candidates);
      expectIdentical(rankerFeatureRows(input, uncached, expanded, statistics), expected);
    }
    expect(cache.stats().hits).toBeGreaterThanOrEqual(candidates.length * (2 * QUERIES.length - 1));
    expect(cache.stats().misses).toBe(candidates.length);
  });
});

describe.each(await driverCases('ranker_equivalence'))('ranker features end to end, bit-identical ($name)', ({ open }) => {
  let db: Db;
  const tenant = 't';
  beforeAll(async () => {
    db = await open();
    await migrate(db);
    const random = seeded(11);
    const documents = Array.from({ length: 30 }, (_, d) =>
      doc(`doc-${d}`, Array.from({ length: 1 + (d % 3) }, () => sentence(random, 20 + Math.floor(random() * 60))).join('\n\n'), { title: d % 5 === 0 ? '' : `Report ${d % 7} ${sentence(seeded(d), 3)}` }),
    );
    await runIngest(documents.map((document) => ({ document })), { db, tenant, chunker: wholeDocumentChunker('paragraph'), analyzer, configFingerprint: {}, titleWeight: 1 });
  });
  afterAll(async () => db?.close());

  it('gives the same statistics in one statement as the two before, and the same rows', async () => {
    const options = retrieveOptionsSchema.parse({ mode: 'sparse' });
    const retriever = createRetriever({ db, analyzer, options });
    const cache = createCandidateAnalysisCache(analyzer, { maxBytes: 1024 * 1024 });
    const statisticsCache = createRankerStatisticsCache();
    for (const query of QUERIES) {
      const candidates = (await retriever.retrieve({ query, tenant, k: 100 })).chunks;
      expect(candidates.length).toBeGreaterThan(1);
      const queryTerms = analyzer.terms(query);
      const terms = [...new Set([...queryTerms, 'absent-term', 'cohort'])];
      const documentIds = candidates.map((c) => c.documentId);
      const [oldStatistics, newStatistics] = [await before.loadRankerStatistics(db, tenant, terms, documentIds), await loadRankerStatistics(db, tenant, terms, documentIds)];
      expect(newStatistics.n).toBe(oldStatistics.n);
      expect(newStatistics.avgdl).toBe(oldStatistics.avgdl);
      expect(new Map([...newStatistics.df].sort())).toEqual(new Map([...oldStatistics.df].sort()));
      expect(new Map([...newStatistics.documentChunks].sort((a, b) => a[0] - b[0]))).toEqual(new Map([...oldStatistics.documentChunks].sort((a, b) => a[0] - b[0])));
      // Twice through the version-checked cache: the second reads nothing new.
      for (let pass = 0; pass < 2; pass++) {
        const cached = await statisticsCache.load(db, tenant, [...terms, 'absent-too'], [...documentIds, 999_999]);
        expect(cached.n).toBe(oldStatistics.n);
        expect(cached.avgdl).toBe(oldStatistics.avgdl);
        expect(new Map([...cached.df].sort())).toEqual(new Map([...oldStatistics.df].sort()));
        expect(new Map([...cached.documentChunks].sort((a, b) => a[0] - b[0]))).toEqual(new Map([...oldStatistics.documentChunks].sort((a, b) => a[0] - b[0])));
      }
      const input = { query, queryTerms, candidates, titleWeight: 1 };
      const expected = await before.computeRankerFeatures(db, analyzer, tenant, input);
      expectIdentical(await computeRankerFeatures(db, analyzer, tenant, input, { analyses: cache, statistics: statisticsCache }), expected);
      expectIdentical(await computeRankerFeatures(db, analyzer, tenant, input), expected);
    }
    expect(cache.stats().hits).toBeGreaterThan(0);
    expect(statisticsCache.stats().moved).toBe(1);
    expect(statisticsCache.stats().current).toBeGreaterThan(QUERIES.length);
  });

  it('reads each chunk\'s text terms as stored at ingest (what analyzing gives), analyzes chunks without them, and the rows do not move', async () => {
    const { rows } = await db.query<{ id: number; text: string }>('SELECT id, text FROM chunks WHERE tenant = $1 ORDER BY id', [tenant]);
    const stored = await loadStoredTerms(db, tenant, rows.map((r) => Number(r.id)));
    expect(stored.size).toBe(rows.length);
    for (const row of rows) expect(storedTermList(stored.get(Number(row.id))!), `chunk ${row.id}`).toEqual(analyzer.terms(row.text));
    // Another tenant's chunks are not read.
    expect((await loadStoredTerms(db, 'other-tenant', rows.map((r) => Number(r.id)))).size).toBe(0);

    const options = retrieveOptionsSchema.parse({ mode: 'sparse' });
    const retriever = createRetriever({ db, analyzer, options });
    // Two chunks lose their stored order (as chunks written before migration 0016 have none): analyzed instead.
    await db.query('UPDATE chunks SET term_order = NULL WHERE id = ANY($1::bigint[])', [rows.slice(0, 2).map((r) => Number(r.id))]);
    const cache = createCandidateAnalysisCache(analyzer, { maxBytes: 1024 * 1024 });
    for (const query of QUERIES) {
      const candidates = (await retriever.retrieve({ query, tenant, k: 100 })).chunks;
      const input = { query, queryTerms: analyzer.terms(query), candidates, titleWeight: 1 };
      const expected = await before.computeRankerFeatures(db, analyzer, tenant, input);
      const timings: RankerTimings = {};
      expectIdentical(await computeRankerFeatures(db, analyzer, tenant, input, { timings }), expected);
      expect(timings.storedTermsMs).toBeGreaterThanOrEqual(0);
      expectIdentical(await computeRankerFeatures(db, analyzer, tenant, input, { storedTerms: false }), expected);
      expectIdentical(await computeRankerFeatures(db, analyzer, tenant, input, { analyses: cache }), expected);
    }
    // Read with the chunk rows (as the retriever does for the chunks its stage does not hold): the same
    // terms, and no statement of their own; an asked chunk without a stored order is analyzed.
    const ids = rows.map((r) => Number(r.id));
    const prefetch = { ids, stored: new Map<number, StoredTerms>() };
    await loadChunks(db, tenant, ids, prefetch);
    expect(new Map([...prefetch.stored].sort((x, y) => x[0] - y[0]))).toEqual(new Map([...(await loadStoredTerms(db, tenant, ids))].sort((x, y) => x[0] - y[0])));
    expect(prefetch.stored.has(ids[0])).toBe(false);
    const names: string[] = [];
    const watched = { ...db, query: (sql: string, params?: unknown[], options?: { name?: string }) => (names.push(options?.name ?? ''), db.query(sql, params, options)) } as unknown as Db;
    for (const query of QUERIES) {
      const candidates = (await retriever.retrieve({ query, tenant, k: 100 })).chunks;
      const input = { query, queryTerms: analyzer.terms(query), candidates, titleWeight: 1 };
      const expected = await before.computeRankerFeatures(db, analyzer, tenant, input);
      expectIdentical(await computeRankerFeatures(watched, analyzer, tenant, input, { prefetched: { asked: new Set(ids), stored: prefetch.stored } }), expected);
    }
    expect(names).not.toContain('gw_ranker_stored_terms');
    const { misses, stored: fromStored } = cache.stats();
    expect(misses).toBeGreaterThan(2);
    // Every miss but the two chunks without an order read its terms as stored.
    const nulled = new Set(rows.slice(0, 2).map((r) => Number(r.id)));
    expect(fromStored).toBeGreaterThanOrEqual(misses - nulled.size);
    expect(fromStored).toBeLessThan(misses);
  });

  it('skips the version statement when the first stage read the version the cache holds, and reads again when it moved', async () => {
    const options = retrieveOptionsSchema.parse({ mode: 'sparse' });
    const retriever = createRetriever({ db, analyzer, options, postingCache: createPostingCache(options.postingCache) });
    const statisticsCache = createRankerStatisticsCache();
    const query = QUERIES[0];
    const queryTerms = analyzer.terms(query);
    let result = await retriever.retrieve({ query, tenant, k: 100 });
    expect(result.indexVersion).toMatch(/^\d+:\d+$/);
    const input = { query, queryTerms, candidates: result.chunks, titleWeight: 1 };
    const expected = await before.computeRankerFeatures(db, analyzer, tenant, input);
    const context = { statistics: statisticsCache, indexVersion: result.indexVersion };
    expectIdentical(await computeRankerFeatures(db, analyzer, tenant, input, context), expected);
    expectIdentical(await computeRankerFeatures(db, analyzer, tenant, input, context), expected);
    expect(statisticsCache.stats()).toMatchObject({ moved: 1, vouched: 1 });
    // A write moves the version: the first stage reads the new one, the cache no longer holds it.
    await runIngest([{ document: doc('doc-vouched', 'vitamin bone density vitamin') }], { db, tenant, chunker: wholeDocumentChunker('paragraph'), analyzer, configFingerprint: {}, titleWeight: 1 });
    result = await retriever.retrieve({ query, tenant, k: 100 });
    const moved = { query, queryTerms, candidates: result.chunks, titleWeight: 1 };
    expectIdentical(await computeRankerFeatures(db, analyzer, tenant, moved, { statistics: statisticsCache, indexVersion: result.indexVersion }), await before.computeRankerFeatures(db, analyzer, tenant, moved));
    expect(statisticsCache.stats()).toMatchObject({ moved: 2, vouched: 1 });
  });

  it('through the retriever: unseen candidates\' stored terms come with the chunk rows, and a repeated query runs no ranker statement', async () => {
    const options = retrieveOptionsSchema.parse({ mode: 'sparse' });
    const plain = createRetriever({ db, analyzer, options });
    const queries = QUERIES.map((text, i) => ({ id: `q${i}`, text, group: `q${i}`, judged: new Map([[`doc-${(i * 7) % 30}`, 1]]) }));
    const rows = await collectRankerRows({ db, analyzer, retriever: plain, titleWeight: 1 }, queries, { tenant, depth: 100 });
    const modelFile = join(mkdtempSync(join(tmpdir(), 'gw-ranker-prefetch-')), 'model.json');
    writeFileSync(modelFile, JSON.stringify(fitRanker(rows, { depth: 100, mode: 'sparse', folds: 1, lambdaMart: { nEstimators: 5 } })));
    const names: string[] = [];
    const watched = { ...db, query: (sql: string, params?: unknown[], queryOptions?: { name?: string }) => (names.push(queryOptions?.name ?? ''), db.query(sql, params, queryOptions)) } as unknown as Db;
    const ranked = createRetriever({ db: watched, analyzer, options: { ...options, ranker: { model: modelFile, depth: 100 } }, postingCache: createPostingCache(options.postingCache) });
    const first = await ranked.retrieve({ query: QUERIES[0], tenant, k: 10 });
    expect(first.chunks[0].scores.ranker).toBeTypeOf('number');
    // Unseen candidates: their terms and documents' chunk counts come with the chunk rows, N and the
    // query terms' dfs from the BM25 leg's statement: at most one ranker statement, for RM3's terms.
    expect(names.slice(0, 2)).toEqual(['gw_posting_cache_fetch', 'gw_load_chunks_terms']);
    expect(names.slice(2).every((name) => name === 'gw_ranker_statistics_cached')).toBe(true);
    expect(names.length).toBeLessThanOrEqual(3);
    names.length = 0;
    const again = await ranked.retrieve({ query: QUERIES[0], tenant, k: 10 });
    expect(again.chunks.map((c) => c.chunkId)).toEqual(first.chunks.map((c) => c.chunkId));
    // Every candidate held, every statistic cached at the version the BM25 leg read: the leg's and the chunk load's statements only.
    expect(names).toEqual(['gw_posting_cache_fetch', 'gw_load_chunks']);
  });

  it('takes N, the dfs and the chunk counts from the first stage and the chunk load: the statement reads only the rest, the same rows', async () => {
    const options = retrieveOptionsSchema.parse({ mode: 'sparse' });
    const postingCache = createPostingCache(options.postingCache);
    const statisticsCache = createRankerStatisticsCache();
    for (const [index, query] of QUERIES.entries()) {
      const queryTerms = analyzer.terms(query);
      const terms = new Map<string, number>();
      for (const term of queryTerms) terms.set(term, (terms.get(term) ?? 0) + 1);
      const sparse = await sparseSearch(db, { tenant, terms, k1: options.k1, b: options.b, limit: 100 }, postingCache);
      expect(sparse.indexStatistics?.version).toBe(sparse.indexVersion);
      expect([...sparse.indexStatistics!.df.keys()]).toEqual([...terms.keys()]);
      const candidates = (await createRetriever({ db, analyzer, options }).retrieve({ query, tenant, k: 100 })).chunks;
      const documentChunks = new Map<number, number>();
      await loadChunks(db, tenant, candidates.map((c) => c.chunkId), { ids: [], stored: new Map(), documentChunks });
      const input = { query, queryTerms, candidates, titleWeight: 1 };
      const statements: Array<{ name: string; params: unknown[] }> = [];
      const watched = { ...db, query: (sql: string, params?: unknown[], queryOptions?: { name?: string }) => (statements.push({ name: queryOptions?.name ?? '', params: params ?? [] }), db.query(sql, params, queryOptions)) } as unknown as Db;
      const prefetched = { asked: new Set(candidates.map((c) => c.chunkId)), stored: new Map(), documentChunks };
      expectIdentical(await computeRankerFeatures(watched, analyzer, tenant, input, { statistics: statisticsCache, firstStage: sparse.indexStatistics, prefetched }), await before.computeRankerFeatures(db, analyzer, tenant, input));
      // Never the query's terms nor any document again: only terms neither the first stage nor the cache held ($4), none of the documents ($6).
      const read = statements.filter((s) => s.name.startsWith('gw_ranker_statistics'));
      expect(read.length).toBeLessThanOrEqual(1);
      for (const { name, params } of read) {
        expect(name).toBe('gw_ranker_statistics_cached');
        expect(params[1]).toBe(sparse.indexVersion);
        expect((params[3] as string[]).filter((term) => terms.has(term))).toEqual([]);
        expect(params[5]).toEqual([]);
      }
      expect(statisticsCache.stats().seeded).toBe(index + 1);
      // Without a cache: the same rows, from the first stage's statistics alone when they cover every term.
      expectIdentical(await computeRankerFeatures(db, analyzer, tenant, input, { firstStage: sparse.indexStatistics, prefetched }), await before.computeRankerFeatures(db, analyzer, tenant, input));
    }
    expect(statisticsCache.stats()).toMatchObject({ moved: 0 });
    const first = { version: '1:1', n: 10, total: 100, df: new Map([['vitamin', 2]]) };
    expect(statisticsFromFirstStage(first, new Map([[1, 3]]), ['vitamin'], [1])).toEqual({ n: 10, avgdl: 10, df: new Map([['vitamin', 2]]), documentChunks: new Map([[1, 3]]) });
    expect(statisticsFromFirstStage(first, new Map([[1, 3]]), ['vitamin', 'bone'], [1])).toBeUndefined();
    expect(statisticsFromFirstStage(first, new Map([[1, 3]]), ['vitamin'], [1, 2])).toBeUndefined();
    expect(statisticsFromFirstStage(first, undefined, ['vitamin'], [1])).toBeUndefined();
  });

  it('analyzes the candidates past the RM3 feedback documents while the statistics statement runs, and fails with a failed statement', async () => {
    const query = QUERIES[0];
    const queryTerms = analyzer.terms(query);
    const candidates = (await createRetriever({ db, analyzer, options: retrieveOptionsSchema.parse({ mode: 'sparse' }) }).retrieve({ query, tenant, k: 100 })).chunks;
    expect(candidates.length).toBeGreaterThan(10);
    const input = { query, queryTerms, candidates, titleWeight: 1 };
    const analyses = createCandidateAnalysisCache(analyzer, { maxBytes: 1 << 20 });
    const analyzed: number[] = [];
    const analyzeAll = analyses.analyzeAll.bind(analyses);
    analyses.analyzeAll = (chunks, stored) => (analyzed.push(chunks.length), analyzeAll(chunks, stored));
    let analyzedWhenAsked: number[] | undefined;
    let fail = false;
    const watched = {
      ...db,
      query: async (sql: string, params?: unknown[], queryOptions?: { name?: string }) => {
        if (!queryOptions?.name?.startsWith('gw_ranker_statistics')) return db.query(sql, params, queryOptions);
        analyzedWhenAsked = [...analyzed];
        const result = await db.query(sql, params, queryOptions);
        if (fail) throw new Error('statistics statement failed');
        return result;
      },
    } as unknown as Db;
    const rows = await computeRankerFeatures(watched, analyzer, tenant, input, { analyses, statistics: createRankerStatisticsCache() });
    expectIdentical(rows, await before.computeRankerFeatures(db, analyzer, tenant, input));
    // The ten feedback documents before the statement was sent, the other candidates after it.
    expect(analyzedWhenAsked).toEqual([10]);
    expect(analyzed).toEqual([10, candidates.length - 10]);
    fail = true;
    analyses.clear();
    await expect(computeRankerFeatures(watched, analyzer, tenant, input, { analyses, statistics: createRankerStatisticsCache() })).rejects.toThrow(/statistics statement failed/);
  });

  it('keeps at most maxEntries statistics entries (all dropped past it) and reads the same values', async () => {
    const small = createRankerStatisticsCache({ maxEntries: 5 });
    const terms = analyzer.terms(QUERIES.join(' '));
    const uncached = await loadRankerStatistics(db, tenant, terms, [1, 2, 3]);
    expect(await small.load(db, tenant, terms, [1, 2, 3])).toEqual(uncached);
    expect(small.stats().entries).toBe(0);
    expect(await small.load(db, tenant, terms.slice(0, 2), [1])).toEqual(await loadRankerStatistics(db, tenant, terms.slice(0, 2), [1]));
    expect(small.stats().entries).toBe(3);
    expect(() => createRankerStatisticsCache({ maxEntries: -1 })).toThrow(/maxEntries/);
  });

  it('reads the statistics again once an ingest moves the index version', async () => {
    const statisticsCache = createRankerStatisticsCache();
    const first = await statisticsCache.load(db, tenant, ['cohort', 'zebrafish'], [1, 2]);
    expect(first.df.has('zebrafish')).toBe(false);
    await runIngest([{ document: doc('doc-new', 'zebrafish cohort zebrafish') }], { db, tenant, chunker: wholeDocumentChunker('paragraph'), analyzer, configFingerprint: {}, titleWeight: 1 });
    const second = await statisticsCache.load(db, tenant, ['cohort', 'zebrafish'], [1, 2]);
    const uncached = await loadRankerStatistics(db, tenant, ['cohort', 'zebrafish'], [1, 2]);
    expect(second).toEqual(uncached);
    expect(second.n).toBe(first.n + 1);
    expect(second.df.get('zebrafish')).toBe(1);
    expect(second.df.get('cohort')).toBe((first.df.get('cohort') ?? 0) + 1);
    expect(statisticsCache.stats().moved).toBe(2);
  });
});
