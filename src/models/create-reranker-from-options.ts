/** Builds the configured reranker from the `models.reranker` options; a provider's module is imported when chosen. */
import type { ModelFactoryContext } from './create-embedder-from-options.js';
import { DEFAULT_LOCAL_RERANK_MODEL, type RerankerOptions, rerankerOptionsSchema } from './models-options.js';
import { noReranker } from './no-reranker.js';
import type { Reranker } from './types.js';

/** Cohere's current rerank model. */
const DEFAULT_COHERE_RERANK_MODEL = 'rerank-v3.5';

/** Creates the reranker described by `options` (`none` keeps the retriever's order). */
export async function createRerankerFromOptions(options: Partial<RerankerOptions>, context: ModelFactoryContext): Promise<Reranker> {
  const parsed = rerankerOptionsSchema.parse(options);
  switch (parsed.provider) {
    case 'none':
      return noReranker;
    case 'local':
      return (await import('./local-reranker.js')).createLocalReranker({ modelsDir: context.modelsDir, model: parsed.model ?? DEFAULT_LOCAL_RERANK_MODEL, dtype: parsed.dtype, device: parsed.device });
    case 'cohere':
      return (await import('./cohere-reranker.js')).createCohereReranker({ model: parsed.model ?? DEFAULT_COHERE_RERANK_MODEL, baseUrl: parsed.baseUrl, env: context.env });
  }
}
