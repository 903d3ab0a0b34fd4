/**
 * The registered reranker providers. `models.reranker.provider`'s values, the section's provider
 * keys, createRerankerFromOptions's choice and the rerank rows of the price table come from this
 * list: a new provider is one module plus one line here.
 */
import { cohereRerankerProvider } from './cohere-reranker-provider.js';
import { localRerankerProvider } from './local-reranker-provider.js';
import { noRerankerProvider } from './no-reranker-provider.js';

export const RERANKER_PROVIDERS = [noRerankerProvider, localRerankerProvider, cohereRerankerProvider] as const;
