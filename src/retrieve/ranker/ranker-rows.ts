import type { Db } from '../../db/types.js';
import type { Analyzer } from '../../search-index/analyzer.js';
import { MAX_QUERY_TERMS } from '../retrieve-options.js';
import type { Retriever } from '../retriever.js';
import type { RetrievalMode } from '../types.js';
import { computeRankerFeatures } from './ranker-features.js';

/** One judged query to learn from: its text, its group (queries of a group never straddle folds) and its graded documents. */
export interface RankerQuery {
  id: string;
  text: string;
  group: string;
  /** Document external id -> grade (>= 1 relevant). */
  judged: ReadonlyMap<string, number>;
}

/** A query's first-stage candidates with their features and labels. */
export interface RankerQueryRows {
  id: string;
  group: string;
  judged: ReadonlyMap<string, number>;
  /** Per candidate chunk, in first-stage order. */
  externalIds: string[];
  firstStageScores: number[];
  features: number[][];
  /** The grade of the candidate's document (0 when not judged relevant). */
  labels: number[];
  /** Milliseconds computing the features (statistics, analysis, RM3) for this query's candidates. */
  featureMs: number;
}

/** What collecting rows needs: a retriever without a ranker (the first stage), its database and analyzer. */
export interface RankerRowSource {
  db: Db;
  analyzer: Analyzer;
  retriever: Retriever;
  titleWeight: number;
}

/**
 * Retrieves each query's top `depth` chunks with the first stage (mode as given) and computes the
 * ranker's features over them, exactly as the retriever's ranker stage does at query time.
 */
export async function collectRankerRows(
  source: RankerRowSource,
  queries: readonly RankerQuery[],
  options: { tenant: string; depth: number; mode?: RetrievalMode; onProgress?: (done: number, total: number) => void },
): Promise<RankerQueryRows[]> {
  const rows: RankerQueryRows[] = [];
  for (const [index, query] of queries.entries()) {
    const result = await source.retriever.retrieve({ query: query.text, tenant: options.tenant, mode: options.mode, k: options.depth });
    const candidates = result.chunks;
    const queryTerms = source.analyzer.terms(query.text).slice(0, MAX_QUERY_TERMS);
    const started = performance.now();
    const features = candidates.length > 0 && queryTerms.length > 0
      ? await computeRankerFeatures(source.db, source.analyzer, options.tenant, { query: query.text, queryTerms, candidates, titleWeight: source.titleWeight })
      : [];
    rows.push({
      id: query.id,
      group: query.group,
      judged: query.judged,
      externalIds: features.length ? candidates.map((c) => c.externalId) : [],
      firstStageScores: features.length ? candidates.map((c) => c.score) : [],
      features,
      labels: features.length ? candidates.map((c) => Math.max(0, Math.round(query.judged.get(c.externalId) ?? 0))) : [],
      featureMs: performance.now() - started,
    });
    options.onProgress?.(index + 1, queries.length);
  }
  return rows;
}
