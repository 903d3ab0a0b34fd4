import type { PostingCache } from './posting-cache.js';
import type { LegRequest, LegContext, LegSearchResult, RetrievalLeg } from './retrieval-leg.js';
import { sparseSearch, type SparseResult } from './sparse-leg.js';

/** Said when the analyzer leaves no term (only stop words, or no words): BM25 has nothing to score. */
export const NO_TERMS_NOTICE = 'the query has only stop words or no words: the sparse leg returns nothing';

/**
 * The sparse leg, BM25 evaluated in SQL over the posting blocks with exact top-k pruning
 * (sparse-leg.ts). Confidence: the top score over the query's own upper bound.
 */
export function createSqlBm25Leg(): RetrievalLeg {
  return {
    name: 'sparse',
    capabilities: { needsEmbedder: false, filters: true },
    search: (request, context) => bm25Search(request, context, undefined),
  };
}

/** BM25 through sparseSearch, with or without the posting cache in front of the SQL evaluation. */
export async function bm25Search(request: LegRequest, { db, options, signal }: LegContext, cache: PostingCache | undefined): Promise<LegSearchResult> {
  if (request.terms.size === 0) return { hits: [], confidence: 0, notices: [NO_TERMS_NOTICE] };
  signal?.throwIfAborted();
  const result = await sparseSearch(db, { tenant: request.tenant, terms: request.terms, k1: options.k1, b: options.b, limit: request.limit, filters: [...request.filters] }, cache);
  return { hits: result.results, confidence: bm25Confidence(result), ...(result.indexVersion ? { indexVersion: result.indexVersion } : {}), ...(result.indexStatistics ? { indexStatistics: result.indexStatistics } : {}) };
}

/** Top BM25 score over the query's upper bound, in [0, 1]: comparable across queries. */
function bm25Confidence({ results, upperBound }: SparseResult): number {
  return results.length && upperBound > 0 ? Math.min(1, results[0].score / upperBound) : 0;
}
