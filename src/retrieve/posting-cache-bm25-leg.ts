import type { PostingCache } from './posting-cache.js';
import type { RetrievalLeg } from './retrieval-leg.js';
import { bm25Search } from './sql-bm25-leg.js';

/**
 * The sparse leg scored from the in-process posting cache (posting-cache.ts): the same BM25 as the
 * SQL leg, exhaustive, from postings checked against the index version on every query. What the
 * cache cannot serve (filtered queries, or more postings than one query may fetch) is evaluated in
 * SQL, so the leg applies filters and always answers.
 */
export function createPostingCacheBm25Leg(cache: PostingCache): RetrievalLeg {
  return {
    name: 'sparse',
    capabilities: { needsEmbedder: false, filters: true },
    search: (request, context) => bm25Search(request, context, cache),
  };
}
