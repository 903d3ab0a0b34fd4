import type { Queryable } from '../../db/types.js';
import type { Analyzer } from '../../search-index/analyzer.js';
import { idf } from '../../search-index/bm25.js';
import type { RetrievedChunk } from '../types.js';
import { analyzeCandidateText, cueParts, hasNumberCue, hasWordCue, NUMBER, TermDictionary, WORD, type CandidateAnalysis, type CandidateAnalysisCache } from './candidate-analysis.js';
import { loadRankerStatistics, type RankerStatistics, type RankerStatisticsCache } from './ranker-statistics.js';
import { RM3_DEFAULTS, rm3Query } from './rm3.js';
import { loadStoredTerms, type PrefetchedTerms, type StoredTerms } from './stored-terms.js';
import type { IndexStatistics } from '../retrieval-leg.js';

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
  'window12_idf_coverage', 'window32_idf_coverage',
  'local_bm25_ratio', 'local_idf_coverage', 'local_missing_max_idf', 'local_window12_coverage',
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
  'window12_idf_coverage', 'window32_idf_coverage',
  'local_bm25_ratio', 'local_idf_coverage', 'local_missing_max_idf', 'local_window12_coverage',
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
/**
 * Widths (analyzed positions) of the windows whose best idf-weighted query coverage is a feature: about
 * a sentence and about a short paragraph. A question's words gathered in one sentence mark the
 * passage that answers it better than the same words spread over the chunk.
 */
const COVERAGE_WINDOWS = [12, 32] as const;
/** Two query terms this close (in analyzed positions) count as an unordered bigram match (Metzler & Croft's SDM uses windows of 8). */
const UNORDERED_WINDOW = 8;

export { loadRankerStatistics, type RankerStatistics } from './ranker-statistics.js';

function counts(terms: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const term of terms) out.set(term, (out.get(term) ?? 0) + 1);
  return out;
}

/** The raw text parts of a candidate, analyzed once (no cache; the ranker stage caches through candidate-analysis.ts). */
export function analyzeCandidate(analyzer: Analyzer, chunk: Pick<RetrievedChunk, 'text' | 'title' | 'headingPath'>, dictionary?: TermDictionary): CandidateAnalysis {
  return analyzeCandidateText(analyzer, chunk, dictionary);
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

/**
 * One query's terms as integer slots: the query's distinct terms first (first-occurrence order),
 * then the RM3 query's other terms. Candidates' counts are read into arrays by slot, so a feature
 * row costs array reads instead of Map lookups and allocations (issue 20's cost line); every sum
 * runs in the order the Map-based code ran it, so values are bit-identical to it (tested against
 * test/retrieve/ranker/fixtures/ranker-features-before.ts).
 */
interface QuerySlots {
  /** The dictionary the candidates' ids are of; its `slots` scratch holds slot + 1 per slotted term id until release(). */
  dictionary: TermDictionary;
  slotted: number[];
  slotCount: number;
  /** Distinct query terms (slots 0 .. queryCount - 1). */
  queryCount: number;
  /** Per query slot, its count in the query. */
  queryWeights: Float64Array;
  /** The RM3 query's slots and weights in its own order. */
  rm3Slots: Int32Array;
  rm3Weights: Float64Array;
  /** The query's adjacent distinct pairs, as slots (bigram features). */
  pairs: Array<[number, number]>;
  /** Slot -> term. */
  terms: string[];
}

function querySlots(dictionary: TermDictionary, queryTerms: readonly string[], expanded: ReadonlyMap<string, number> = new Map()): QuerySlots {
  const query = counts(queryTerms);
  const slotOf = new Map<string, number>();
  for (const term of query.keys()) slotOf.set(term, slotOf.size);
  const queryCount = slotOf.size;
  for (const term of expanded.keys()) if (!slotOf.has(term)) slotOf.set(term, slotOf.size);
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i + 1 < queryTerms.length; i++) if (queryTerms[i] !== queryTerms[i + 1]) pairs.push([slotOf.get(queryTerms[i])!, slotOf.get(queryTerms[i + 1])!]);
  const slotted: number[] = [];
  for (const [term, slot] of slotOf) {
    const id = dictionary.idOf(term);
    dictionary.slots[id] = slot + 1;
    slotted.push(id);
  }
  return {
    dictionary,
    slotted,
    slotCount: slotOf.size,
    queryCount,
    queryWeights: Float64Array.from(query.values()),
    rm3Slots: Int32Array.from([...expanded.keys()].map((term) => slotOf.get(term)!)),
    rm3Weights: Float64Array.from(expanded.values()),
    pairs,
    terms: [...slotOf.keys()],
  };
}

/** Clears the dictionary's slot scratch of this query's terms. */
function release(q: QuerySlots): void {
  for (const id of q.slotted) q.dictionary.slots[id] = 0;
}

/** Per-candidate scratch, reused across a query's candidates (zeroed per use). */
class Scratch {
  bodyCounts: Int32Array;
  titleCounts: Int32Array;
  sectionCounts: Int32Array;
  /** Positions of query terms in the body, in order, and their slots. */
  hitPositions = new Int32Array(256);
  hitSlots = new Int32Array(256);
  hits = 0;
  /** Positions per query slot: slotStart[s] .. slotStart[s + 1] - 1 of slotPositions. */
  slotStart: Int32Array;
  slotPositions = new Int32Array(256);
  window: Int32Array;

  constructor(slots: number, queryCount: number) {
    this.bodyCounts = new Int32Array(slots);
    this.titleCounts = new Int32Array(slots);
    this.sectionCounts = new Int32Array(slots);
    this.slotStart = new Int32Array(queryCount + 1);
    this.window = new Int32Array(queryCount);
  }

  /** Counts the body's slotted terms and records where the query's terms stand. */
  scanBody(body: Int32Array, q: QuerySlots): void {
    const { bodyCounts, slotStart } = this;
    const slots = q.dictionary.slots;
    bodyCounts.fill(0);
    this.hits = 0;
    if (this.hitPositions.length < body.length) {
      this.hitPositions = new Int32Array(body.length);
      this.hitSlots = new Int32Array(body.length);
      this.slotPositions = new Int32Array(body.length);
    }
    for (let position = 0; position < body.length; position++) {
      const slot = slots[body[position]] - 1;
      if (slot < 0) continue;
      bodyCounts[slot]++;
      if (slot < q.queryCount) {
        this.hitPositions[this.hits] = position;
        this.hitSlots[this.hits++] = slot;
      }
    }
    // Positions grouped per query slot, ascending (a counting sort of the hits).
    slotStart[0] = 0;
    for (let s = 0; s < q.queryCount; s++) slotStart[s + 1] = slotStart[s] + bodyCounts[s];
    const fill = this.window;
    fill.fill(0);
    for (let h = 0; h < this.hits; h++) {
      const slot = this.hitSlots[h];
      this.slotPositions[slotStart[slot] + fill[slot]++] = this.hitPositions[h];
    }
  }

  countInto(target: Int32Array, ids: Int32Array, q: QuerySlots): void {
    const slots = q.dictionary.slots;
    target.fill(0);
    for (let i = 0; i < ids.length; i++) {
      const slot = slots[ids[i]] - 1;
      if (slot >= 0) target[slot]++;
    }
  }

  /** Shortest span of positions holding every distinct query term the body holds; matched / span, 0 below two matched terms. */
  proximity(q: QuerySlots): number {
    let distinct = 0;
    for (let s = 0; s < q.queryCount; s++) if (this.bodyCounts[s] > 0) distinct++;
    if (distinct < 2) return 0;
    const inWindow = this.window;
    inWindow.fill(0);
    let covered = 0;
    let best = Infinity;
    let left = 0;
    for (let right = 0; right < this.hits; right++) {
      if (++inWindow[this.hitSlots[right]] === 1) covered++;
      while (covered === distinct) {
        best = Math.min(best, this.hitPositions[right] - this.hitPositions[left] + 1);
        if (--inWindow[this.hitSlots[left]] === 0) covered--;
        left++;
      }
    }
    return distinct / best;
  }

  /** The largest share of the query's idf (idfSum) whose distinct terms fall within `width` consecutive positions. */
  windowCoverage(q: QuerySlots, idfs: Float64Array, idfSum: number, width: number): number {
    if (idfSum <= 0 || this.hits === 0) return 0;
    const inWindow = this.window;
    inWindow.fill(0);
    let covered = 0;
    let best = 0;
    let left = 0;
    for (let right = 0; right < this.hits; right++) {
      const slot = this.hitSlots[right];
      if (inWindow[slot]++ === 0) covered += idfs[slot];
      while (this.hitPositions[right] - this.hitPositions[left] >= width) {
        const leaving = this.hitSlots[left++];
        if (--inWindow[leaving] === 0) covered -= idfs[leaving];
      }
      if (covered > best) best = covered;
    }
    return Math.min(1, best / idfSum);
  }

  /** Shares of the query's adjacent pairs found in order next to each other, and in any order within UNORDERED_WINDOW. */
  bigrams(q: QuerySlots): { ordered: number; unordered: number } {
    if (q.pairs.length === 0) return { ordered: 0, unordered: 0 };
    const { slotStart, slotPositions } = this;
    let ordered = 0;
    let unordered = 0;
    for (const [a, b] of q.pairs) {
      const aEnd = slotStart[a + 1];
      const bEnd = slotStart[b + 1];
      if (slotStart[a] === aEnd || slotStart[b] === bEnd) continue;
      // Some position of a directly followed by one of b (both lists ascending).
      for (let i = slotStart[a], j = slotStart[b]; i < aEnd && j < bEnd; ) {
        const next = slotPositions[i] + 1;
        if (slotPositions[j] === next) {
          ordered++;
          break;
        }
        if (slotPositions[j] < next) j++;
        else i++;
      }
      for (let i = slotStart[a], j = slotStart[b]; i < aEnd && j < bEnd; ) {
        if (Math.abs(slotPositions[i] - slotPositions[j]) <= UNORDERED_WINDOW) {
          unordered++;
          break;
        }
        if (slotPositions[i] < slotPositions[j]) i++;
        else j++;
      }
    }
    return { ordered: ordered / q.pairs.length, unordered: unordered / q.pairs.length };
  }
}

/**
 * The candidates as a collection of their own: each query term's idf among the candidates (a term
 * every candidate holds, such as the topic all of one article's paragraphs share, tells them apart
 * no more than a stop word does), BM25 with those idfs as a ratio to the best candidate, and the
 * share of that local idf the candidate covers. Written into the last two columns.
 */
function localFeatures(rows: number[][], q: QuerySlots, tf: readonly Float64Array[], dl: readonly number[], local: { idfs: Float64Array; sum: number }): void {
  const n = rows.length;
  if (n === 0) return;
  const localIdf = local.idfs;
  const idfSum = local.sum;
  const avgdl = Math.max(1, dl.reduce((s, v) => s + v, 0) / n);
  const scores = tf.map((counts, i) => bm25(undefined, q.queryWeights, counts, dl[i], avgdl, 1.2, 0.75, localIdf));
  const top = Math.max(1e-9, ...scores);
  const bm25Column = RANKER_FEATURES.indexOf('local_bm25_ratio');
  const coverageColumn = RANKER_FEATURES.indexOf('local_idf_coverage');
  const missingColumn = RANKER_FEATURES.indexOf('local_missing_max_idf');
  rows.forEach((row, i) => {
    let covered = 0;
    let missing = 0;
    for (let t = 0; t < q.queryCount; t++) {
      if (tf[i][t] > 0) covered += localIdf[t];
      else missing = Math.max(missing, localIdf[t]);
    }
    row[bm25Column] = scores[i] / top;
    row[coverageColumn] = idfSum > 0 ? covered / idfSum : 0;
    row[missingColumn] = idfSum > 0 ? missing / idfSum : 0;
  });
}

/** Each query term's idf among the candidates (BM25's idf with the candidates as the collection; a term in body or title counts), and their sum. */
function localIdfs(analyzed: readonly CandidateAnalysis[], q: QuerySlots): { idfs: Float64Array; sum: number } {
  const df = new Float64Array(q.queryCount);
  const seen = new Uint8Array(q.queryCount);
  const slots = q.dictionary.slots;
  for (const a of analyzed) {
    seen.fill(0);
    for (const ids of [a.bodyIds, a.titleIds]) {
      for (let p = 0; p < ids.length; p++) {
        const slot = slots[ids[p]] - 1;
        if (slot >= 0 && slot < q.queryCount) seen[slot] = 1;
      }
    }
    for (let t = 0; t < q.queryCount; t++) df[t] += seen[t];
  }
  const idfs = new Float64Array(q.queryCount);
  let sum = 0;
  for (let t = 0; t < q.queryCount; t++) {
    idfs[t] = idf(analyzed.length, df[t]);
    sum += idfs[t];
  }
  return { idfs, sum };
}

/** BM25 of the slotted query (`slots`, `weights`) over counts by slot, plus `extraWeight` times `extra`'s counts. */
function bm25(slots: ArrayLike<number> | undefined, weights: Float64Array, tfs: ArrayLike<number>, dl: number, avgdl: number, k1: number, b: number, idfs: Float64Array, extra?: ArrayLike<number>, extraWeight = 0): number {
  let score = 0;
  const norm = k1 * (1 - b + (b * dl) / avgdl);
  for (let i = 0; i < weights.length; i++) {
    const slot = slots ? slots[i] : i;
    const tf = tfs[slot] + (extra ? extraWeight * extra[slot] : 0);
    if (tf === 0) continue;
    score += weights[i] * idfs[slot] * ((tf * (k1 + 1)) / (tf + norm));
  }
  return score;
}

/** Shortest span of analyzed positions holding every distinct query term the body holds; matched / span, 0 below two matched terms. */
export function proximityWindow(body: readonly string[], queryTerms: ReadonlySet<string>): number {
  const dictionary = new TermDictionary();
  const ids = dictionary.encode(body);
  const q = querySlots(dictionary, [...queryTerms]);
  const scratch = new Scratch(q.slotCount, q.queryCount);
  scratch.scanBody(ids, q);
  return scratch.proximity(q);
}

/** Shares of the query's adjacent term pairs found in order next to each other, and in any order within UNORDERED_WINDOW. */
export function bigramMatches(body: readonly string[], queryOrder: readonly string[]): { ordered: number; unordered: number } {
  const dictionary = new TermDictionary();
  const ids = dictionary.encode(body);
  const q = querySlots(dictionary, queryOrder);
  const scratch = new Scratch(q.slotCount, q.queryCount);
  scratch.scanBody(ids, q);
  return scratch.bigrams(q);
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
  /** false: analyze every candidate's text, never read the terms stored at ingest (the same features; tests compare the two). */
  storedTerms?: boolean;
  /** The tenant's index version the first stage read the candidates at, when known: statistics cached at it are used without reading the version again. */
  indexVersion?: string;
  /**
   * The collection statistics the first stage read (the posting-cache BM25 leg: N, total length, its
   * terms' dfs at one index version): with every candidate's document chunk count read with the
   * candidates (prefetched.documentChunks), no statistics statement runs.
   */
  firstStage?: IndexStatistics;
  /** Stored terms read with the candidates (the retriever's chunk load): not read again. */
  prefetched?: PrefetchedTerms;
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
  // Text terms as stored at ingest for the candidates not yet analyzed: those read with the
  // candidates (context.prefetched), the rest in one statement; none when turned off.
  const toAnalyze = analyses ? analyses.missing(input.candidates) : input.candidates.map((chunk) => chunk.chunkId);
  const prefetched = context.prefetched;
  const toRead = prefetched ? toAnalyze.filter((id) => !prefetched.asked.has(id)) : toAnalyze;
  let stored: ReadonlyMap<number, StoredTerms> = context.storedTerms === false ? new Map() : prefetched?.stored ?? new Map();
  if (context.storedTerms !== false && toRead.length > 0) {
    const read = await loadStoredTerms(db, tenant, toRead);
    stored = prefetched ? new Map([...prefetched.stored, ...read]) : read;
  }
  lap('storedTermsMs');
  // The RM3 feedback documents are analyzed first: their terms decide what the statistics read
  // asks for, and the rest of the candidates are analyzed while that read is in flight.
  const feedback = Math.min(RM3_DEFAULTS.feedbackDocs, input.candidates.length);
  const analyze = (chunks: readonly RetrievedChunk[], dictionary: TermDictionary | undefined) =>
    analyses ? analyses.analyzeAll(chunks, stored) : chunks.map((chunk) => analyzeCandidateText(analyzer, chunk, dictionary, undefined, stored.get(chunk.chunkId)));
  const dictionary = analyses ? undefined : new TermDictionary();
  const head = analyze(input.candidates.slice(0, feedback), dictionary);
  lap('analysisMs');
  const query = counts(input.queryTerms);
  // RM3 over the first-stage top documents, in their first-stage order.
  const expanded = rm3Query(query, head.map((a, i) => ({ terms: a.body.concat(a.title), score: input.candidates[i].score })));
  lap('rm3Ms');
  // Statistics: what the first stage and the chunk load read (context.firstStage, prefetched
  // documentChunks) and the cache hold, the rest (RM3's added terms, mostly) in one statement.
  const terms = [...expanded.keys()];
  const documentIds = input.candidates.map((c) => c.documentId);
  const first = context.firstStage;
  const pending = context.statistics
    ? context.statistics.load(db, tenant, terms, documentIds, first?.version ?? context.indexVersion, first && { ...first, ...(prefetched?.documentChunks ? { documentChunks: prefetched.documentChunks } : {}) })
    : Promise.resolve(statisticsFromFirstStage(first, prefetched?.documentChunks, terms, documentIds) ?? loadRankerStatistics(db, tenant, terms, documentIds));
  // Settled either way before anything else can throw, so a failed read is never left unobserved.
  const settled = pending.then((value) => ({ value }), (error: unknown) => ({ error }));
  let analyzed: CandidateAnalysis[];
  try {
    analyzed = head.concat(analyze(input.candidates.slice(feedback), dictionary));
  } finally {
    lap('analysisMs');
  }
  const outcome = await settled;
  if ('error' in outcome) throw outcome.error;
  const statistics = outcome.value;
  lap('statisticsMs');
  const rows = rankerFeatureRows(input, analyzed, expanded, statistics);
  lap('rowsMs');
  return rows;
}

/**
 * The statistics from what the first stage and the chunk load read, when they cover every term and
 * document asked (undefined otherwise: the caller reads them). N, the total length and the dfs are
 * the posting cache's, read in one statement at one index version with the same sums the statistics
 * statement runs; chunk counts are documents.chunk_count, written with the documents' chunks.
 */
export function statisticsFromFirstStage(
  firstStage: IndexStatistics | undefined,
  documentChunks: ReadonlyMap<number, number> | undefined,
  terms: readonly string[],
  documentIds: readonly number[],
): RankerStatistics | undefined {
  if (!firstStage || !documentChunks) return undefined;
  const df = new Map<string, number>();
  for (const term of terms) {
    const value = firstStage.df.get(term);
    if (value === undefined) return undefined;
    if (value > 0) df.set(term, value);
  }
  const chunks = new Map<number, number>();
  for (const id of documentIds) {
    const value = documentChunks.get(id);
    if (value === undefined) return undefined;
    if (value > 0) chunks.set(id, value);
  }
  const { n, total } = firstStage;
  return { n, avgdl: Math.max(n > 0 ? total / n : 1, 1), df, documentChunks: chunks };
}

/** Milliseconds per stage of one ranking (filled when passed; bench/ranker.ts --cost reports them). */
export interface RankerTimings {
  /** Reading the stored text terms of candidates not yet analyzed (stored-terms.ts). */
  storedTermsMs?: number;
  analysisMs?: number;
  rm3Ms?: number;
  statisticsMs?: number;
  rowsMs?: number;
  scoringMs?: number;
}

/** The pure part of computeRankerFeatures: rows from analyzed candidates, the RM3 query and the statistics. */
export function rankerFeatureRows(input: RankerInput, analyzed: readonly CandidateAnalysis[], expanded: ReadonlyMap<string, number>, statistics: RankerStatistics): number[][] {
  if (analyzed.length === 0) return [];
  let dictionary = analyzed[0].dictionary;
  if (analyzed.some((a) => a.dictionary !== dictionary)) {
    // Analyses made one by one (analyzeCandidate): the same terms, re-encoded into one dictionary.
    dictionary = new TermDictionary();
    const shared = dictionary;
    analyzed = analyzed.map((a) => {
      const title = shared.encode(a.title);
      return { dictionary: shared, bodyIds: shared.encode(a.body), titleIds: title, sectionIds: a.sectionIds === a.titleIds ? title : shared.encode(a.section), body: a.body, title: a.title, section: a.section };
    });
  }
  const q = querySlots(dictionary, input.queryTerms, expanded);
  try {
    return featureRows(input, analyzed, statistics, q);
  } finally {
    release(q);
  }
}

function featureRows(input: RankerInput, analyzed: readonly CandidateAnalysis[], statistics: RankerStatistics, q: QuerySlots): number[][] {
  const { n, avgdl, df } = statistics;
  const idfs = new Float64Array(q.slotCount);
  q.terms.forEach((term, slot) => {
    idfs[slot] = df.get(term) ? idf(n, df.get(term)!) : 0;
  });
  let idfSum = 0;
  let maxIdf = 0;
  for (let s = 0; s < q.queryCount; s++) {
    idfSum += idfs[s];
    maxIdf = Math.max(maxIdf, idfs[s]);
  }
  const cues = queryCues(input.query);
  const meanTitle = analyzed.reduce((s, a) => s + a.titleIds.length, 0) / Math.max(1, analyzed.length);
  const meanSection = Math.max(1, analyzed.reduce((s, a) => s + a.sectionIds.length, 0) / Math.max(1, analyzed.length));
  const bodyAvgdl = Math.max(1, avgdl - input.titleWeight * meanTitle);
  const firstScores = input.candidates.map((c) => c.score);
  const topFirst = Math.max(...firstScores, 1e-9);
  const sparseRanked = input.candidates.filter((c) => c.scores.sparseRank !== undefined).length > 0;
  const scratch = new Scratch(q.slotCount, q.queryCount);
  const { bodyCounts, titleCounts } = scratch;

  // Per candidate, each query term's count in body and title (title weighted as indexed) and the length: the local features below.
  const localTf: Float64Array[] = [];
  const localDl: number[] = [];
  const localIdf = localIdfs(analyzed, q);
  const rows = input.candidates.map((chunk, i) => {
    const a = analyzed[i];
    scratch.scanBody(a.bodyIds, q);
    scratch.countInto(titleCounts, a.titleIds, q);
    const sectionCounts = a.sectionIds === a.titleIds ? titleCounts : scratch.sectionCounts;
    if (sectionCounts !== titleCounts) scratch.countInto(sectionCounts, a.sectionIds, q);
    const bodyLength = a.bodyIds.length;
    const titleLength = a.titleIds.length;
    const sectionLength = a.sectionIds.length;
    const dl = bodyLength + input.titleWeight * titleLength;
    const tf = new Float64Array(q.queryCount);
    for (let t = 0; t < q.queryCount; t++) tf[t] = bodyCounts[t] + input.titleWeight * titleCounts[t];
    localTf.push(tf);
    localDl.push(dl);
    const combined = COMBINED_SETTINGS.map(({ k1, b }) => bm25(undefined, q.queryWeights, bodyCounts, dl, avgdl, k1, b, idfs, titleCounts, input.titleWeight));
    const body = BODY_SETTINGS.map(({ k1, b }) => bm25(undefined, q.queryWeights, bodyCounts, bodyLength, bodyAvgdl, k1, b, idfs));
    const title = bm25(undefined, q.queryWeights, sectionCounts, sectionLength, meanSection, 1.2, 0.75, idfs);
    let present = 0;
    let presentIdf = 0;
    let missingMaxIdf = 0;
    let inTitle = 0;
    let inTitleIdf = 0;
    for (let t = 0; t < q.queryCount; t++) {
      if (bodyCounts[t] > 0 || titleCounts[t] > 0) {
        present++;
        presentIdf += idfs[t];
      } else missingMaxIdf = Math.max(missingMaxIdf, idfs[t]);
      if (sectionCounts[t] > 0) {
        inTitle++;
        inTitleIdf += idfs[t];
      }
    }
    const bigrams = scratch.bigrams(q);
    const rm3 = bm25(q.rm3Slots, q.rm3Weights, bodyCounts, dl, avgdl, 1.2, 0.75, idfs, titleCounts, input.titleWeight);
    const chunksInDocument = statistics.documentChunks.get(chunk.documentId) ?? 1;
    // The candidate's cues are computed only for a query that has some, and a candidate whose text holds one.
    let sharedNumbers = 0;
    if (cues.numbers.length) {
      const parts = cueParts(chunk, false);
      for (const number of cues.numbers) if (parts.some((part) => hasNumberCue(part, number))) sharedNumbers++;
    }
    let sharedEntities = 0;
    if (cues.entities.length) {
      const parts = cueParts(chunk, true);
      for (const word of cues.entities) if (parts.some((part) => hasWordCue(part, word))) sharedEntities++;
    }
    const terms = Math.max(1, q.queryCount);
    return [
      chunk.score, chunk.score / topFirst, 1 / (i + 1),
      combined[0], combined[1], combined[2], 0,
      body[0], body[1], title,
      present / terms, idfSum > 0 ? presentIdf / idfSum : 0, missingMaxIdf, inTitle / terms, idfSum > 0 ? inTitleIdf / idfSum : 0,
      scratch.proximity(q), bigrams.ordered, bigrams.unordered,
      Math.log1p(bodyLength), Math.log1p(titleLength), Math.log1p(chunksInDocument), chunksInDocument > 1 ? chunk.ordinal / (chunksInDocument - 1) : 0, chunk.ordinal === 0 ? 1 : 0,
      q.queryCount, idfSum, Math.max(0, maxIdf),
      cues.numbers.length ? sharedNumbers / cues.numbers.length : 0, cues.numbers.length, cues.entities.length ? sharedEntities / cues.entities.length : 0, cues.entities.length,
      rm3, 0,
      chunk.scores.dense ?? 0, chunk.scores.dense === undefined ? 0 : 1, chunk.scores.denseRank ? 1 / chunk.scores.denseRank : 0,
      sparseRanked && chunk.scores.sparseRank ? 1 / chunk.scores.sparseRank : 0,
      ...COVERAGE_WINDOWS.map((width) => scratch.windowCoverage(q, idfs, idfSum, width)),
      0, 0, 0, scratch.windowCoverage(q, localIdf.idfs, localIdf.sum, COVERAGE_WINDOWS[0]),
    ];
  });
  localFeatures(rows, q, localTf, localDl, localIdf);
  // Per-query ratios to the best candidate: scores of different queries are on different scales.
  const ratio = (column: number, into: number) => {
    const top = Math.max(1e-9, ...rows.map((row) => row[column]));
    for (const row of rows) row[into] = row[column] / top;
  };
  ratio(RANKER_FEATURES.indexOf('bm25_k1.2_b0.75'), RANKER_FEATURES.indexOf('bm25_ratio'));
  ratio(RANKER_FEATURES.indexOf('rm3_score'), RANKER_FEATURES.indexOf('rm3_ratio'));
  return rows;
}
