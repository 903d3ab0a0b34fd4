/** The "none" reranker: keeps the retriever's order (scores decrease with the input position). */
import type { Reranker } from './types.js';

/** A reranker that changes nothing: score 1/(1+rank), so the original order is preserved. */
export const noReranker: Reranker = {
  id: 'none',
  maxBatchSize: Number.MAX_SAFE_INTEGER,
  rerank: async (_query, passages) => passages.map((_, rank) => 1 / (1 + rank)),
};
