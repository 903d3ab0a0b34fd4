/** Builds the configured reranker through the reranker provider registered under `models.reranker.provider`. */
import { createRerankerOptionsSchema, rerankerOptionsSchema, type RerankerOptions } from './models-options.js';
import { findProvider, providerOptions, type ModelFactoryContext, type RerankerProvider } from './provider.js';
import { RERANKER_PROVIDERS } from './providers/reranker-providers.js';
import type { Reranker } from './types.js';

/** Creates the reranker described by `options` (`none` keeps the retriever's order); `providers`: RERANKER_PROVIDERS, or a list with more. */
export async function createRerankerFromOptions(
  options: Partial<RerankerOptions>,
  context: ModelFactoryContext,
  providers: readonly RerankerProvider[] = RERANKER_PROVIDERS,
): Promise<Reranker> {
  const schema = providers === RERANKER_PROVIDERS ? rerankerOptionsSchema : createRerankerOptionsSchema(providers);
  const parsed = schema.parse(options) as RerankerOptions & Record<string, unknown>;
  const provider = findProvider(providers, parsed.provider);
  return provider.create(providerOptions(provider, parsed), context);
}
