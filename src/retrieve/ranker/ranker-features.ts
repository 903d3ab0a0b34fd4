import type { Queryable } from '../../db/types.js';
import type { Analyzer } from '../../search-index/analyzer.js';
import { idf } from '../../search-index/bm25.js';
import type { RetrievedChunk } from '../types.js';
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
const WORD = /[\p{L}\p{N}][\p{L}\p{N}-]*/gu;
const NUMBER = /\d+(?:[.,]\d+)*/g;

/** Collection statistics the features need: N, mean chunk length, df of the query's (and RM3's) terms, chunks per document. */
export interface RankerStatistics {
  n: number;
  avgdl: number;
  df: ReadonlyMap<string, number>;
  documentChunks: ReadonlyMap<number, number>;
}

/** Reads the statistics for `terms` and the candidates' documents, tenant-scoped (two statements). */
export async function loadRankerStatistics(db: Queryable, tenant: string, terms: readonly string[], documentIds: readonly number[]): Promise<RankerStatistics> {
  const stats = await db.query<{ n: number; total: number; term: string | null; df: number | null }>(
    `WITH st AS (SELECT GREATEST(COALESCE(sum(chunk_delta), 0), 0)::float8 AS n,
                        GREATEST(COALESCE(sum(length_delta), 0), 0)::float8 AS total
                   FROM tenant_term_stats WHERE tenant = $1)
     SELECT st.n, st.total, q.term, q.df
       FROM st LEFT JOIN LATERAL (
              SELECT q.term, (SELECT sum(p.n)::float8 FROM posting_blocks p WHERE p.tenant = $1 AND p.term = q.term) AS df
                FROM unnest($2::text[]) AS q(term)) AS q ON TRUE`,
    [tenant, [...new Set(terms)]],
    { name: 'gw_ranker_statistics' },
  );
  const chunks = await db.query<{ document_id: number; chunks: number }>(
    'SELECT document_id, count(*)::int AS chunks FROM chunks WHERE tenant = $1 AND document_id = ANY($2::bigint[]) GROUP BY document_id',
    [tenant, [...new Set(documentIds)]],
    { name: 'gw_ranker_document_chunks' },
  );
  const n = stats.rows[0]?.n ?? 0;
  const total = stats.rows[0]?.total ?? 0;
  const df = new Map<string, number>();
  for (const row of stats.rows) if (row.term !== null && row.df) df.set(row.term, row.df);
  return {
    n,
    avgdl: Math.max(n > 0 ? total / n : 1, 1),
    df,
    documentChunks: new Map(chunks.rows.map((row) => [Number(row.document_id), row.chunks])),
  };
}

interface AnalyzedCandidate {
  body: string[];
  title: string[];
  section: string[];
  bodyCounts: Map<string, number>;
  titleCounts: Map<string, number>;
  sectionCounts: Map<string, number>;
  words: Set<string>;
  numbers: Set<string>;
}

function counts(terms: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const term of terms) out.set(term, (out.get(term) ?? 0) + 1);
  return out;
}

/** The raw text parts of a candidate, analyzed once. */
export function analyzeCandidate(analyzer: Analyzer, chunk: Pick<RetrievedChunk, 'text' | 'title' | 'headingPath'>): AnalyzedCandidate {
  const body = analyzer.terms(chunk.text);
  const title = analyzer.terms(chunk.title ?? '');
  const section = analyzer.terms([chunk.title ?? '', ...(chunk.headingPath ?? [])].join(' '));
  const raw = `${chunk.title ?? ''} ${(chunk.headingPath ?? []).join(' ')} ${chunk.text}`;
  return {
    body,
    title,
    section,
    bodyCounts: counts(body),
    titleCounts: counts(title),
    sectionCounts: counts(section),
    words: new Set(raw.toLowerCase().match(WORD) ?? []),
    numbers: new Set(raw.match(NUMBER) ?? []),
  };
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

/** Shortest span of analyzed positions holding every distinct query term the body holds; matched / span, 0 below two matched terms. */
export function proximityWindow(body: readonly string[], queryTerms: ReadonlySet<string>): number {
  const hits: Array<{ position: number; term: string }> = [];
  body.forEach((term, position) => {
    if (queryTerms.has(term)) hits.push({ position, term });
  });
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
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < queryOrder.length; i++) if (queryOrder[i] !== queryOrder[i + 1]) pairs.push([queryOrder[i], queryOrder[i + 1]]);
  if (pairs.length === 0) return { ordered: 0, unordered: 0 };
  const positions = new Map<string, number[]>();
  body.forEach((term, position) => {
    const list = positions.get(term);
    if (list) list.push(position);
    else positions.set(term, [position]);
  });
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

/** Feature rows for the candidates (RANKER_FEATURES order), and the analyses they came from. */
export async function computeRankerFeatures(db: Queryable, analyzer: Analyzer, tenant: string, input: RankerInput): Promise<number[][]> {
  const analyzed = input.candidates.map((chunk) => analyzeCandidate(analyzer, chunk));
  const query = counts(input.queryTerms);
  // RM3 over the first-stage top documents, in their first-stage order.
  const expanded = rm3Query(query, analyzed.slice(0, RM3_DEFAULTS.feedbackDocs).map((a, i) => ({ terms: a.body.concat(a.title), score: input.candidates[i].score })));
  const statistics = await loadRankerStatistics(db, tenant, [...expanded.keys()], input.candidates.map((c) => c.documentId));
  return rankerFeatureRows(input, analyzed, expanded, statistics);
}

/** The pure part of computeRankerFeatures: rows from analyzed candidates, the RM3 query and the statistics. */
export function rankerFeatureRows(input: RankerInput, analyzed: readonly AnalyzedCandidate[], expanded: ReadonlyMap<string, number>, statistics: RankerStatistics): number[][] {
  const { n, avgdl, df } = statistics;
  const query = counts(input.queryTerms);
  const queryTermSet = new Set(query.keys());
  const idfOf = (term: string): number => (df.get(term) ? idf(n, df.get(term)!) : 0);
  const idfs = [...query.keys()].map(idfOf);
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
    const dl = a.body.length + input.titleWeight * a.title.length;
    const combined = COMBINED_SETTINGS.map(({ k1, b }) => bm25(query, a.bodyCounts, dl, avgdl, k1, b, idfOf, a.titleCounts, input.titleWeight));
    const body = BODY_SETTINGS.map(({ k1, b }) => bm25(query, a.bodyCounts, a.body.length, bodyAvgdl, k1, b, idfOf));
    const title = bm25(query, a.sectionCounts, a.section.length, meanSection, 1.2, 0.75, idfOf);
    let present = 0;
    let presentIdf = 0;
    let missingMaxIdf = 0;
    let inTitle = 0;
    let inTitleIdf = 0;
    [...query.keys()].forEach((term, t) => {
      if (a.bodyCounts.has(term) || a.titleCounts.has(term)) {
        present++;
        presentIdf += idfs[t];
      } else missingMaxIdf = Math.max(missingMaxIdf, idfs[t]);
      if (a.sectionCounts.has(term)) {
        inTitle++;
        inTitleIdf += idfs[t];
      }
    });
    const bigrams = bigramMatches(a.body, input.queryTerms);
    const rm3 = bm25(expanded, a.bodyCounts, dl, avgdl, 1.2, 0.75, idfOf, a.titleCounts, input.titleWeight);
    const chunksInDocument = statistics.documentChunks.get(chunk.documentId) ?? 1;
    const sharedNumbers = cues.numbers.filter((x) => a.numbers.has(x)).length;
    const sharedEntities = cues.entities.filter((x) => a.words.has(x)).length;
    const terms = Math.max(1, query.size);
    return [
      chunk.score, chunk.score / topFirst, 1 / (i + 1),
      combined[0], combined[1], combined[2], 0,
      body[0], body[1], title,
      present / terms, idfSum > 0 ? presentIdf / idfSum : 0, missingMaxIdf, inTitle / terms, idfSum > 0 ? inTitleIdf / idfSum : 0,
      proximityWindow(a.body, queryTermSet), bigrams.ordered, bigrams.unordered,
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
