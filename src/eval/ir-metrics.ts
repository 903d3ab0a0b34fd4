import { InputError } from '../errors.js';
import type { RankedDocument } from './types.js';

/**
 * Per-query IR metrics with trec_eval's definitions (the `*_cut.k` family, relevance_level 1):
 * - nDCG@k: gain = the graded relevance itself (linear gains, as trec_eval and pytrec_eval/BEIR),
 *   discount log2(rank + 1); the ideal DCG ranks ALL judged relevant documents by grade and cuts at k.
 * - Recall@k: relevant documents in the top k / all relevant documents.
 * - Precision@k: relevant documents in the top k / k (k, not the list length: a short list is penalized).
 * - MRR@k: 1 / rank of the first relevant document in the top k, 0 when none.
 * - MAP@k: sum over relevant documents in the top k of precision at their rank, divided by the number
 *   of relevant documents (not by min(k, R)), as trec_eval's map_cut.
 * - Hit@k: 1 when any relevant document is in the top k.
 * A document is relevant when its grade is >= 1; unjudged documents count as not relevant.
 * The ranking is used in the order given (see `scoreRun` for trec_eval's tie-breaking).
 */
export interface IrMetricValues {
  ndcg: number;
  recall: number;
  precision: number;
  mrr: number;
  map: number;
  hit: number;
}

/** The metric names, in report order. */
export const IR_METRICS = ['ndcg', 'recall', 'precision', 'mrr', 'map', 'hit'] as const;

/** Relevance grade at or above which a document counts as relevant (trec_eval's default relevance_level). */
export const RELEVANCE_LEVEL = 1;

/** Number of relevant documents among the judgments. */
export function countRelevant(judged: ReadonlyMap<string, number>): number {
  let count = 0;
  for (const grade of judged.values()) if (grade >= RELEVANCE_LEVEL) count += 1;
  return count;
}

/**
 * Computes all IR metrics of one query at cutoff k. Throws on a query without relevant documents:
 * those are undefined under these definitions and `scoreRun` skips them, as trec_eval does.
 */
export function irMetricsAtK(ranking: readonly RankedDocument[], judged: ReadonlyMap<string, number>, k: number): IrMetricValues {
  if (!Number.isInteger(k) || k < 1) throw new InputError('k', `must be a positive integer, got ${k}`);
  const relevantTotal = countRelevant(judged);
  if (relevantTotal === 0) throw new InputError('qrels', 'query has no relevant documents; metrics are undefined for it');
  const top = ranking.slice(0, k);
  let dcg = 0;
  let relevantSeen = 0;
  let precisionSum = 0;
  let firstRelevantRank = 0;
  top.forEach((document, index) => {
    const grade = judged.get(document.docId) ?? 0;
    const rank = index + 1;
    if (grade > 0) dcg += grade / Math.log2(rank + 1);
    if (grade >= RELEVANCE_LEVEL) {
      relevantSeen += 1;
      precisionSum += relevantSeen / rank;
      if (firstRelevantRank === 0) firstRelevantRank = rank;
    }
  });
  return {
    ndcg: dcg / idealDcg(judged, k),
    recall: relevantSeen / relevantTotal,
    precision: relevantSeen / k,
    mrr: firstRelevantRank === 0 ? 0 : 1 / firstRelevantRank,
    map: precisionSum / relevantTotal,
    hit: relevantSeen > 0 ? 1 : 0,
  };
}

/** DCG of the best possible ranking of the judged documents, cut at k. */
export function idealDcg(judged: ReadonlyMap<string, number>, k: number): number {
  const grades = [...judged.values()].filter((grade) => grade > 0).sort((a, b) => b - a).slice(0, k);
  return grades.reduce((sum, grade, index) => sum + grade / Math.log2(index + 2), 0);
}
