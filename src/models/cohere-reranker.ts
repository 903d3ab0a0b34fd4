/** Reranking through Cohere `/v2/rerank` (cohere-ai SDK), with retries and typed errors. */
import { InputError, ProviderError } from '../errors.js';
import { type CohereClientOptions, cohereRequestOptions, createCohereClient } from './cohere-embedder.js';
import { toProviderError } from './provider-error.js';
import { withRetry } from './retry.js';
import type { Reranker } from './types.js';

/** Documents per rerank call: Cohere recommends at most 1,000 (docs.cohere.com/reference/rerank). */
const COHERE_RERANK_MAX_DOCUMENTS = 1000;

export interface CohereRerankerOptions extends CohereClientOptions {
  /** e.g. `rerank-v3.5`. */
  model: string;
}

/** Creates a Cohere reranker; scores are Cohere's relevance_score in [0, 1], in the input order. */
export function createCohereReranker(options: CohereRerankerOptions): Reranker {
  const model = options.model;
  if (!model) throw new InputError('model', 'is required');
  const client = createCohereClient(options);
  const requestOptions = cohereRequestOptions(options);
  return {
    id: `cohere:${model}`,
    maxBatchSize: COHERE_RERANK_MAX_DOCUMENTS,
    async rerank(query, passages) {
      const scores = new Array<number>(passages.length).fill(Number.NaN);
      for (let start = 0; start < passages.length; start += COHERE_RERANK_MAX_DOCUMENTS) {
        const documents = passages.slice(start, start + COHERE_RERANK_MAX_DOCUMENTS);
        const response = await withRetry(async () => {
          try {
            return await client.rerank({ model, query, documents, topN: documents.length }, requestOptions);
          } catch (error) {
            throw toProviderError(error, { provider: 'cohere', model, url: options.baseUrl });
          }
        }, options.retry);
        for (const result of response.results) scores[start + result.index] = result.relevanceScore;
      }
      const missing = scores.findIndex((score) => Number.isNaN(score));
      if (missing >= 0) throw new ProviderError({ provider: 'cohere', model, message: `no score returned for passage ${missing}`, isRetryable: false });
      return scores;
    },
  };
}
