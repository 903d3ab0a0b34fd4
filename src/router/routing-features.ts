/** Features of one request that the success predictors read. All numbers; names are stable. */
export interface RoutingFeatures {
  /** Words in the query. */
  queryWords: number;
  /** RetrieveResult.confidence in [0, 1]; 0 when nothing was retrieved. */
  retrievalConfidence: number;
  /** Best retrieval score (as ranked). */
  topScore: number;
  /** (top1 - top2) / |top1|: a small gap means an ambiguous ranking. 1 with one result, 0 with none. */
  topScoreGap: number;
  /** Question marks plus joined clauses ("and", "also", ";"): more parts, harder question. */
  questionParts: number;
  /** 1 when the query asks to compare, list all, or compute (aggregation over documents). */
  aggregation: number;
}

/** Feature names in a fixed order (for models trained on vectors). */
export const ROUTING_FEATURE_NAMES: readonly (keyof RoutingFeatures)[] = ['queryWords', 'retrievalConfidence', 'topScore', 'topScoreGap', 'questionParts', 'aggregation'];

const AGGREGATION = /\b(compare|comparison|difference between|versus|vs\.?|list all|all of the|how many|total|sum of|average|trend)\b/i;

/** Computes routing features from the query and the retrieval result (scores best first). */
export function extractRoutingFeatures(input: { query: string; retrieval?: { confidence: number; scores: readonly number[] } }): RoutingFeatures {
  const words = input.query.trim().split(/\s+/).filter(Boolean).length;
  const scores = input.retrieval?.scores ?? [];
  const top = scores[0] ?? 0;
  const gap = scores.length === 0 ? 0 : scores.length === 1 ? 1 : top === 0 ? 0 : Math.max(0, (top - scores[1]) / Math.abs(top));
  const parts = Math.max(1, (input.query.match(/\?/g) ?? []).length) + (input.query.match(/\b(and also|also|as well as)\b|;/gi) ?? []).length;
  return {
    queryWords: words,
    retrievalConfidence: input.retrieval?.confidence ?? 0,
    topScore: top,
    topScoreGap: gap,
    questionParts: parts,
    aggregation: AGGREGATION.test(input.query) ? 1 : 0,
  };
}
