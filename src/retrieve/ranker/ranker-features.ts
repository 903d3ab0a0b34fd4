import type { Queryable } from '../../db/types.js';
import type { Analyzer } from '../../search-index/analyzer.js';
import { idf } from '../../search-index/bm25.js';
import type { RetrievedChunk } from '../types.js';
import { analyzeCandidateText, NUMBER, packedHas, WORD, type CandidateAnalysis, type CandidateAnalysisCache } from './candidate-analysis.js';
import { loadRankerStatistics, type RankerStatistics, type RankerStatisticsCache } from './ranker-statistics.js';
import { RM3_DEFAULTS, rm3Query } from './rm3.js';

/**
 * The learned ranker's features per (query, candidate chunk), in column order. Every name is part
 * of a saved model's contract: a model lists the names it was trained on, and a model naming one
 * this version does not compute is refused at load (ranker-model.ts).
 */
export const RANKER_FEATURES = [
  'first_stage_score', 'first_stage_ratio', 'first_stage_reciprocal_rank',
  'bm25_k1.2_b0.75', 'bm25_k0.9_b0.4', 'bm25_k1.5_b0.9', 'bm25_ratio',
  'bm25_body_k1.2_b0.75', 'bm25_body_k0.9_b0.4', 'bm25_title',
  'term_coverage', 'idf_coverage', 'missing_max_idf', 'title_term_coverage', 'title_idf_coverage',
  'proximity_window', 'ordered_bigrams', 'unordered_bigrams',
  'chunk_terms_log', 'title_terms_log', 'document_chunks_log', 'chunk_position', 'first_chunk',
  'query_terms', 'query_idf_sum', 'query_max_idf',
  'shared_numbers', 'query_numbers', 'shared_entities', 'query_entities',
  'rm3_score', 'rm3_ratio',
  'dense_cosine', 'dense_present', 'dense_reciprocal_rank', 'sparse_reciprocal_rank',
] as const;
export type RankerFeatureName = (typeof RANKER_FEATURES)[number];

/**
 * The features whose values do not depend on the corpus's scale (raw BM25 and RM3 scores, idf sums,
 * lengths): ratios, coverages, proximity, positions, shared cues, reciprocal ranks. A model on these
 * alone, with shallow trees (PORTABLE_TREES), transferred across domains in bench/ranker.ts (see its
 * `portable` figures and the README) at a smaller in-domain gain.
 */
export const PORTABLE_RANKER_FEATURES: readonly RankerFeatureName[] = [
  'first_stage_ratio', 'first_stage_reciprocal_rank', 'bm25_ratio',
  'term_coverage', 'idf_coverage', 'title_term_coverage', 'title_idf_coverage',
  'proximity_window', 'ordered_bigrams', 'unordered_bigrams',
  'chunk_position', 'first_chunk',
  'shared_numbers', 'query_numbers', 'shared_entities', 'query_entities',
  'rm3_ratio',
  'dense_cosine', 'dense_present', 'dense_reciprocal_rank', 'sparse_reciprocal_rank',
];

/** LambdaMART's trees for the portable features: depth 3, 50 rows per leaf (the full depth 5 / 20 did not transfer in bench/ranker.ts). */
export const PORTABLE_TREES = { maxDepth: 3, minSamplesLeaf: 50 } as const;

/** BM25 settings of the combined (title + body, as indexed) features: Lucene's, Anserini's BEIR baseline, and the corner bench/bm25-cv.ts preferred on SciFact. */
const COMBINED_SETTINGS = [
  { k1: 1.2, b: 0.75 },
  { k1: 0.9, b: 0.4 },
  { k1: 1.5, b: 0.9 },
] as const;
const BODY_SETTINGS = [
  { k1: 1.2, b: 0.75 },
  { k1: 0.9, b: 0.4 },
] as const;
/** Two query terms this close (in analyzed positions) count as an unordered bigram match (Metzler & Croft's SDM uses windows of 8). */
const UNORDERED_WINDOW = 8;

export { loadRankerStatistics, type RankerStatistics } from './ranker-statistics.js';

function counts(terms: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const term of terms) out.set(term, (out.get(term) ?? 0) + 1);
  return out;
}

/** Counts of the `wanted` terms only (what BM25 and coverage look up): a lookup of a wanted term reads the same as in the full counts. */
function countsOf(terms: readonly string[], wanted: ReadonlySet<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const term of terms) if (wanted.has(term)) out.set(term, (out.get(term) ?? 0) + 1);
  return out;
}

/** The raw text parts of a candidate, analyzed once (no cache; the ranker stage caches through candidate-analysis.ts). */
export function analyzeCandidate(analyzer: Analyzer, chunk: Pick<RetrievedChunk, 'text' | 'title' | 'headingPath'>): CandidateAnalysis {
  return analyzeCandidateText(analyzer, chunk);
}

/** Numbers and entity-like words of the query: capitalized past the first word, inner capitals (mRNA), or letters with digits (IL-6, BRCA1). */
export function queryCues(text: string): { numbers: string[]; entities: string[] } {
  const numbers = [...new Set(text.match(NUMBER) ?? [])];
  const words = text.match(WORD) ?? [];
  const entities = new Set<string>();
  words.forEach((word, i) => {
    const innerCapital = /\p{Lu}/u.test(word.slice(1));
    const lettersAndDigits = /\p{L}/u.test(word) && /\p{N}/u.test(word);
    const capitalized = i > 0 && /^\p{Lu}/u.test(word);
    if (innerCapital || lettersAndDigits || capitalized) entities.add(word.toLowerCase());
  });
  return { numbers, entities: [...entities] };
}

function bm25(query: ReadonlyMap<string, number>, tfs: ReadonlyMap<string, number>, dl: number, avgdl: number, k1: number, b: number, idfOf: (term: string) => number, extra?: ReadonlyMap<string, number>, extraWeight = 0): number {
  let score = 0;
  const norm = k1 * (1 - b + (b * dl) / avgdl);
  for (const [term, qtf] of query) {
    const tf = (tfs.get(term) ?? 0) + (extra ? extraWeight * (extra.get(term) ?? 0) : 0);
    if (tf === 0) continue;
    score += qtf * idfOf(term) * ((tf * (k1 + 1)) / (tf + norm));
  }
  return score;
}

/** Positions of the query's terms in `body`, in order and per term, and (one pass) the counts of the `counted` terms. */
interface BodyScan {
  hits: Array<{ position: number; term: string }>;
  byTerm: Map<string, number[]>;
  counts: Map<string, number>;
}

function scanBody(body: readonly string[], queryTerms: ReadonlySet<string>, counted?: ReadonlySet<string>): BodyScan {
  const hits: Array<{ position: number; term: string }> = [];
  const byTerm = new Map<string, number[]>();
  const counts = new Map<string, number>();
  for (let position = 0; position < body.length; position++) {
    const term = body[position];
    if (counted?.has(term)) counts.set(term, (counts.get(term) ?? 0) + 1);
    if (!queryTerms.has(term)) continue;
    hits.push({ position, term });
    const list = byTerm.get(term);
    if (list) list.push(position);
    else byTerm.set(term, [position]);
  }
  return { hits, byTerm, counts };
}

/** Shortest span of analyzed positions holding every distinct query term the body holds; matched / span, 0 below two matched terms. */
export function proximityWindow(body: readonly string[], queryTerms: ReadonlySet<string>): number {
  return proximityOfHits(scanBody(body, queryTerms).hits);
}

function proximityOfHits(hits: ReadonlyArray<{ position: number; term: string }>): number {
  const distinct = new Set(hits.map((h) => h.term)).size;
  if (distinct < 2) return 0;
  const inWindow = new Map<string, number>();
  let covered = 0;
  let best = Infinity;
  let left = 0;
  for (let right = 0; right < hits.length; right++) {
    const term = hits[right].term;
    inWindow.set(term, (inWindow.get(term) ?? 0) + 1);
    if (inWindow.get(term) === 1) covered++;
    while (covered === distinct) {
      best = Math.min(best, hits[right].position - hits[left].position + 1);
      const leaving = hits[left].term;
      inWindow.set(leaving, inWindow.get(leaving)! - 1);
      if (inWindow.get(leaving) === 0) covered--;
      left++;
    }
  }
  return distinct / best;
}

/** Shares of the query's adjacent term pairs found in order next to each other, and in any order within UNORDERED_WINDOW. */
export function bigramMatches(body: readonly string[], queryOrder: readonly string[]): { ordered: number; unordered: number } {
  return bigramsOfPositions(scanBody(body, new Set(queryOrder)).byTerm, queryOrder);
}

/** bigramMatches from the positions of the query's terms (only those of the query's pairs are read). */
function bigramsOfPositions(positions: ReadonlyMap<string, readonly number[]>, queryOrder: readonly string[]): { ordered: number; unordered: number } {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < queryOrder.length; i++) if (queryOrder[i] !== queryOrder[i + 1]) pairs.push([queryOrder[i], queryOrder[i + 1]]);
  if (pairs.length === 0) return { ordered: 0, unordered: 0 };
  let ordered = 0;
  let unordered = 0;
  for (const [a, b] of pairs) {
    const pa = positions.get(a);
    const pb = positions.get(b);
    if (!pa || !pb) continue;
    const setB = new Set(pb);
    if (pa.some((p) => setB.has(p + 1))) ordered++;
    let i = 0;
    let j = 0;
    let near = false;
    while (i < pa.length && j < pb.length && !near) {
      if (Math.abs(pa[i] - pb[j]) <= UNORDERED_WINDOW) near = true;
      else if (pa[i] < pb[j]) i++;
      else j++;
    }
    if (near) unordered++;
  }
  return { ordered: ordered / pairs.length, unordered: unordered / pairs.length };
}

/** The candidates of one query as the ranker sees them, plus what it needs from the collection. */
export interface RankerInput {
  query: string;
  /** Analyzed query terms in order (cut as the retriever cuts them). */
  queryTerms: readonly string[];
  candidates: readonly RetrievedChunk[];
  /** Title terms count this many times in each chunk's indexed length (retrieve.titleWeight). */
  titleWeight: number;
}

/** What the ranker stage keeps between queries, and where it reports its stage timings; all optional. */
export interface RankerFeatureContext {
  /** The candidates' analyses (without it each candidate is analyzed here). */
  analyses?: CandidateAnalysisCache;
  /** Collection statistics by index version (without it they are read in full each time). */
  statistics?: RankerStatisticsCache;
  /** Filled with milliseconds per stage. */
  timings?: RankerTimings;
}

/** Feature rows for the candidates (RANKER_FEATURES order); the same values with or without the context's caches. */
export async function computeRankerFeatures(db: Queryable, analyzer: Analyzer, tenant: string, input: RankerInput, context: RankerFeatureContext = {}): Promise<number[][]> {
  const { analyses, timings } = context;
  let t = performance.now();
  const lap = (stage: keyof RankerTimings) => {
    const now = performance.now();
    if (timings) timings[stage] = (timings[stage] ?? 0) + now - t;
    t = now;
  };
  const analyzed = analyses ? analyses.analyzeAll(input.candidates) : input.candidates.map((chunk) => analyzeCandidate(analyzer, chunk));
  lap('analysisMs');
  const query = counts(input.queryTerms);
  // RM3 over the first-stage top documents, in their first-stage order.
  const expanded = rm3Query(query, analyzed.slice(0, RM3_DEFAULTS.feedbackDocs).map((a, i) => ({ terms: a.body.concat(a.title), score: input.candidates[i].score })));
  lap('rm3Ms');
  const terms = [...expanded.keys()];
  const documentIds = input.candidates.map((c) => c.documentId);
  const statistics = await (context.statistics ? context.statistics.load(db, tenant, terms, documentIds) : loadRankerStatistics(db, tenant, terms, documentIds));
  lap('statisticsMs');
  const rows = rankerFeatureRows(input, analyzed, expanded, statistics);
  lap('rowsMs');
  return rows;
}

/** Milliseconds per stage of one ranking (filled when passed; bench/ranker.ts --cost reports them). */
export interface RankerTimings {
  analysisMs?: number;
  rm3Ms?: number;
  statisticsMs?: number;
  rowsMs?: number;
  scoringMs?: number;
}

/** The pure part of computeRankerFeatures: rows from analyzed candidates, the RM3 query and the statistics. */
export function rankerFeatureRows(input: RankerInput, analyzed: readonly CandidateAnalysis[], expanded: ReadonlyMap<string, number>, statistics: RankerStatistics): number[][] {
  const { n, avgdl, df } = statistics;
  const query = counts(input.queryTerms);
  const queryTermSet = new Set(query.keys());
  const queryKeys = [...query.keys()];
  // Every term a feature looks up (BM25 over the query and the RM3 query, coverage): counts of these alone.
  const wanted = new Set([...query.keys(), ...expanded.keys()]);
  const idfOf = (term: string): number => (df.get(term) ? idf(n, df.get(term)!) : 0);
  const idfs = queryKeys.map(idfOf);
  const idfSum = idfs.reduce((s, v) => s + v, 0);
  const cues = queryCues(input.query);
  const meanTitle = analyzed.reduce((s, a) => s + a.title.length, 0) / Math.max(1, analyzed.length);
  const meanSection = Math.max(1, analyzed.reduce((s, a) => s + a.section.length, 0) / Math.max(1, analyzed.length));
  const bodyAvgdl = Math.max(1, avgdl - input.titleWeight * meanTitle);
  const firstScores = input.candidates.map((c) => c.score);
  const topFirst = Math.max(...firstScores, 1e-9);
  const sparseRanked = input.candidates.filter((c) => c.scores.sparseRank !== undefined).length > 0;

  const rows = input.candidates.map((chunk, i) => {
    const a = analyzed[i];
    // The query's terms are among the wanted ones: one pass gives their positions and the counts.
    const positions = scanBody(a.body, queryTermSet, wanted);
    const bodyCounts = positions.counts;
    const titleCounts = countsOf(a.title, wanted);
    const sectionCounts = a.section === a.title ? titleCounts : countsOf(a.section, wanted);
    const dl = a.body.length + input.titleWeight * a.title.length;
    const combined = COMBINED_SETTINGS.map(({ k1, b }) => bm25(query, bodyCounts, dl, avgdl, k1, b, idfOf, titleCounts, input.titleWeight));
    const body = BODY_SETTINGS.map(({ k1, b }) => bm25(query, bodyCounts, a.body.length, bodyAvgdl, k1, b, idfOf));
    const title = bm25(query, sectionCounts, a.section.length, meanSection, 1.2, 0.75, idfOf);
    let present = 0;
    let presentIdf = 0;
    let missingMaxIdf = 0;
    let inTitle = 0;
    let inTitleIdf = 0;
    queryKeys.forEach((term, t) => {
      if (bodyCounts.has(term) || titleCounts.has(term)) {
        present++;
        presentIdf += idfs[t];
      } else missingMaxIdf = Math.max(missingMaxIdf, idfs[t]);
      if (sectionCounts.has(term)) {
        inTitle++;
        inTitleIdf += idfs[t];
      }
    });
    const bigrams = bigramsOfPositions(positions.byTerm, input.queryTerms);
    const rm3 = bm25(expanded, bodyCounts, dl, avgdl, 1.2, 0.75, idfOf, titleCounts, input.titleWeight);
    const chunksInDocument = statistics.documentChunks.get(chunk.documentId) ?? 1;
    // The candidate's cues are computed only for a query that has some (the packed lists, on first use).
    const sharedNumbers = cues.numbers.length ? cues.numbers.filter((x) => packedHas(a.cues().numbers, x)).length : 0;
    const sharedEntities = cues.entities.length ? cues.entities.filter((x) => packedHas(a.cues().words, x)).length : 0;
    const terms = Math.max(1, query.size);
    return [
      chunk.score, chunk.score / topFirst, 1 / (i + 1),
      combined[0], combined[1], combined[2], 0,
      body[0], body[1], title,
      present / terms, idfSum > 0 ? presentIdf / idfSum : 0, missingMaxIdf, inTitle / terms, idfSum > 0 ? inTitleIdf / idfSum : 0,
      proximityOfHits(positions.hits), bigrams.ordered, bigrams.unordered,
      Math.log1p(a.body.length), Math.log1p(a.title.length), Math.log1p(chunksInDocument), chunksInDocument > 1 ? chunk.ordinal / (chunksInDocument - 1) : 0, chunk.ordinal === 0 ? 1 : 0,
      query.size, idfSum, Math.max(0, ...idfs),
      cues.numbers.length ? sharedNumbers / cues.numbers.length : 0, cues.numbers.length, cues.entities.length ? sharedEntities / cues.entities.length : 0, cues.entities.length,
      rm3, 0,
      chunk.scores.dense ?? 0, chunk.scores.dense === undefined ? 0 : 1, chunk.scores.denseRank ? 1 / chunk.scores.denseRank : 0,
      sparseRanked && chunk.scores.sparseRank ? 1 / chunk.scores.sparseRank : 0,
    ];
  });
  // Per-query ratios to the best candidate: scores of different queries are on different scales.
  const ratio = (column: number, into: number) => {
    const top = Math.max(1e-9, ...rows.map((row) => row[column]));
    for (const row of rows) row[into] = row[column] / top;
  };
  ratio(RANKER_FEATURES.indexOf('bm25_k1.2_b0.75'), RANKER_FEATURES.indexOf('bm25_ratio'));
  ratio(RANKER_FEATURES.indexOf('rm3_score'), RANKER_FEATURES.indexOf('rm3_ratio'));
  return rows;
}
