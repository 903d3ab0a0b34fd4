/** The `cohere` reranker provider: Cohere's `/v2/rerank`. */
import { z } from 'zod';
import { rerankPrice } from '../model-price.js';
import type { RerankerProvider } from '../provider.js';
import { baseUrlOption, modelOption } from './provider-option-schemas.js';

/** Cohere's current rerank model. */
export const DEFAULT_COHERE_RERANK_MODEL = 'rerank-v3.5';
/** Cohere rerank: $2.00 per 1,000 searches (one query with up to 100 documents), PRICE_TABLE_DATE. */
const COHERE_RERANK_PER_SEARCH_USD = 2.0 / 1000;

const optionsSchema = z.object({ model: modelOption, baseUrl: baseUrlOption });

export const cohereRerankerProvider = {
  id: 'cohere',
  optionsSchema,
  create: async (options, context) =>
    (await import('../cohere-reranker.js')).createCohereReranker({ model: options.model ?? DEFAULT_COHERE_RERANK_MODEL, baseUrl: options.baseUrl, env: context.env }),
  prices: [rerankPrice('cohere:rerank-v3.5', COHERE_RERANK_PER_SEARCH_USD, 4096)],
} as const satisfies RerankerProvider<'cohere', typeof optionsSchema>;
