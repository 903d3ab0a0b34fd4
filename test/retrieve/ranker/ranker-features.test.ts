import { describe, expect, it } from 'vitest';
import { idf } from '../../../src/search-index/bm25.js';
import { createEnglishAnalyzer } from '../../../src/search-index/analyzer.js';
import { analyzeCandidate, bigramMatches, proximityWindow, queryCues, rankerFeatureRows, RANKER_FEATURES, type RankerStatistics } from '../../../src/retrieve/ranker/ranker-features.js';
import { rm3Query } from '../../../src/retrieve/ranker/rm3.js';
import type { RetrievedChunk } from '../../../src/retrieve/types.js';

const analyzer = createEnglishAnalyzer();
const column = (name: (typeof RANKER_FEATURES)[number]) => RANKER_FEATURES.indexOf(name);

function chunk(id: number, title: string, text: string, extra: Partial<RetrievedChunk> = {}): RetrievedChunk {
  return { chunkId: id, documentId: id, externalId: `d${id}`, documentVersion: 1, source: `d${id}`, title, text, ordinal: 0, headingPath: [], metadata: {}, score: 10 - id, scores: { sparse: 10 - id, sparseRank: id }, ...extra };
}

/** Feature rows of the candidates for the query, its terms weighted equally as the RM3 query. */
function rowsOf(query: string, candidates: RetrievedChunk[], statistics: RankerStatistics): number[][] {
  const queryTerms = analyzer.terms(query);
  const analyzed = candidates.map((c) => analyzeCandidate(analyzer, c));
  return rankerFeatureRows({ query, queryTerms, candidates, titleWeight: 1 }, analyzed, new Map(queryTerms.map((t) => [t, 1 / queryTerms.length])), statistics);
}

describe('ranker features', () => {
  it('measures the shortest window holding the matched query terms', () => {
    expect(proximityWindow(['a', 'x', 'b', 'y', 'y', 'a', 'b'], new Set(['a', 'b']))).toBe(1);
    expect(proximityWindow(['a', 'x', 'x', 'b'], new Set(['a', 'b']))).toBe(0.5);
    expect(proximityWindow(['a', 'x'], new Set(['a', 'b']))).toBe(0);
  });

  it('counts ordered and unordered bigram matches as shares of the query pairs', () => {
    expect(bigramMatches(['vitamin', 'd', 'bone'], ['vitamin', 'd'])).toEqual({ ordered: 1, unordered: 1 });
    expect(bigramMatches(['d', 'x', 'vitamin'], ['vitamin', 'd'])).toEqual({ ordered: 0, unordered: 1 });
    expect(bigramMatches(['vitamin'], ['vitamin', 'd'])).toEqual({ ordered: 0, unordered: 0 });
  });

  it('finds numbers and entity-like words in the query', () => {
    const cues = queryCues('Does IL-6 raise risk in BRCA1 carriers after 2010 in Denmark?');
    expect(cues.numbers).toEqual(['6', '1', '2010']);
    expect(cues.entities).toEqual(expect.arrayContaining(['il-6', 'brca1', 'denmark']));
    expect(cues.entities).not.toContain('does');
  });

  it('computes one row per candidate with title, coverage, proximity and ratio features', () => {
    const query = 'vitamin D bone density';
    const candidates = [
      chunk(1, 'Bone health', 'Vitamin D raises bone density in older adults.'),
      chunk(2, 'Diet', 'Density of diet studies; vitamin intake and sleep.'),
      chunk(3, 'Unrelated', 'Cats sleep most of the day.'),
    ];
    const rows = rowsOf(query, candidates, { n: 100, avgdl: 10, df: new Map(analyzer.terms(query).map((t) => [t, 5])), documentChunks: new Map([[1, 1], [2, 3], [3, 1]]) });
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toHaveLength(RANKER_FEATURES.length);
    expect(rows[0][column('term_coverage')]).toBe(1);
    expect(rows[2][column('term_coverage')]).toBe(0);
    expect(rows[0][column('title_term_coverage')]).toBe(0.25);
    expect(rows[0][column('ordered_bigrams')]).toBeGreaterThan(rows[1][column('ordered_bigrams')]);
    // 4 query terms within 5 positions ("raises" between d and bone).
    expect(rows[0][column('proximity_window')]).toBe(0.8);
    expect(rows[0][column('bm25_ratio')]).toBe(1);
    expect(rows[0][column('bm25_k1.2_b0.75')]).toBeGreaterThan(rows[1][column('bm25_k1.2_b0.75')]);
    expect(rows[2][column('bm25_k1.2_b0.75')]).toBe(0);
    expect(rows[0][column('first_stage_reciprocal_rank')]).toBe(1);
    expect(rows[1][column('document_chunks_log')]).toBeCloseTo(Math.log1p(3), 12);
    expect(rows[0][column('dense_present')]).toBe(0);
    expect(rows.every((row) => row.every(Number.isFinite))).toBe(true);
    // All four terms (equal idf) within 12 positions in the first; the second holds two of them (density, vitamin) 6 apart.
    expect(rows[0][column('window12_idf_coverage')]).toBe(1);
    expect(rows[1][column('window12_idf_coverage')]).toBeCloseTo(0.5, 12);
    expect(rows[2][column('window32_idf_coverage')]).toBe(0);
  });

  it('weighs query terms by their idf among the candidates: a word every candidate holds tells them apart no more than a stop word', () => {
    const query = 'beyonce debut album';
    const candidates = [
      chunk(1, 'Beyonce', 'Beyonce toured widely. Beyonce sang with Beyonce fans and Beyonce dancers.'),
      chunk(2, 'Beyonce', 'Beyonce released her debut album in 2003.'),
      chunk(3, 'Beyonce', 'Beyonce grew up in Houston.'),
    ];
    const rows = rowsOf(query, candidates, { n: 1000, avgdl: 10, df: new Map([['beyonc', 3], ['debut', 40], ['album', 40]]), documentChunks: new Map() });
    // Globally "beyonce" is the rarest term (df 3 of 1,000) and weighs most in BM25; among the candidates every one holds it: its local idf is the lowest, and the debut album wins.
    expect(rows[1][column('local_bm25_ratio')]).toBe(1);
    expect(rows[0][column('local_bm25_ratio')]).toBeLessThan(0.5);
    expect(rows[1][column('local_idf_coverage')]).toBe(1);
    expect(rows[2][column('local_idf_coverage')]).toBeLessThan(0.3);
    // What the third misses is what tells the candidates apart; the second gathers all of it within 12 terms.
    expect(rows[2][column('local_missing_max_idf')]).toBeGreaterThan(0.4);
    expect(rows[1][column('local_missing_max_idf')]).toBe(0);
    expect(rows[1][column('local_window12_coverage')]).toBe(1);
    expect(rows[0][column('local_window12_coverage')]).toBeLessThan(0.3);
  });

  it('finds the window that gathers most of the query\'s idf, not the chunk\'s spread', () => {
    const query = 'vitamin bone density';
    const filler = (n: number) => Array.from({ length: n }, (_, i) => `filler${i}x`).join(' ');
    const candidates = [chunk(1, '', `vitamin ${filler(20)} bone ${filler(20)} density`), chunk(2, '', `${filler(20)} vitamin bone density ${filler(5)}`)];
    const rows = rowsOf(query, candidates, { n: 100, avgdl: 20, df: new Map([['vitamin', 50], ['bone', 5], ['densiti', 5]]), documentChunks: new Map() });
    expect(rows[0][column('term_coverage')]).toBe(rows[1][column('term_coverage')]);
    expect(rows[1][column('window12_idf_coverage')]).toBe(1);
    // Spread 21 apart: a 12-window holds one term (the rarest: bone or density), a 32-window two.
    const rare = idf(100, 5) / (idf(100, 50) + 2 * idf(100, 5));
    expect(rows[0][column('window12_idf_coverage')]).toBeCloseTo(rare, 12);
    expect(rows[0][column('window32_idf_coverage')]).toBeCloseTo(2 * rare, 12);
  });
});

describe('rm3Query', () => {
  it('interpolates the query with the feedback terms, weights summing to 1', () => {
    const query = new Map([['vitamin', 1], ['d', 1]]);
    const expanded = rm3Query(query, [
      { terms: ['vitamin', 'd', 'calcium', 'calcium', 'bone'], score: 10 },
      { terms: ['calcium', 'absorption'], score: 5 },
    ], { feedbackDocs: 10, feedbackTerms: 3, originalWeight: 0.5 });
    const total = [...expanded.values()].reduce((s, v) => s + v, 0);
    expect(total).toBeCloseTo(1, 12);
    expect(expanded.get('calcium')).toBeGreaterThan(0);
    expect(expanded.get('vitamin')).toBeGreaterThanOrEqual(0.25);
    expect(expanded.get('calcium')).toBeGreaterThan(expanded.get('bone') ?? 0);
    // feedbackTerms caps the new terms.
    expect(expanded.size).toBeLessThanOrEqual(2 + 3);
    expect(rm3Query(query, [{ terms: ['x'], score: 1 }], { feedbackDocs: 10, feedbackTerms: 5, originalWeight: 1 }).get('x')).toBe(0);
  });
});
