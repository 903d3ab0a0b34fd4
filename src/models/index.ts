/** Models stage: embedders, rerankers, model management, retry helper. Re-exports only. */
export type { Embedder, Reranker } from './types.js';
export { createLocalEmbedder, DEFAULT_LOCAL_BATCH_SIZE, type LocalEmbedder, type LocalEmbedderOptions } from './local-embedder.js';
export { createLocalReranker, type LocalReranker, type LocalRerankerOptions } from './local-reranker.js';
export { createOpenAIEmbedder, type OpenAIEmbedderOptions } from './openai-embedder.js';
export { createCohereEmbedder, type CohereEmbedderOptions } from './cohere-embedder.js';
export { createCohereReranker, type CohereRerankerOptions } from './cohere-reranker.js';
export { noReranker } from './no-reranker.js';
export { withRetry, retryDelayMs, isRetryableError, type RetryOptions } from './retry.js';
export { asProviderFailure, toProviderError, retryAfterFromHeaders, type ProviderCallContext } from './provider-error.js';
export { listModels, type InstalledModel } from './list-models.js';
export { importModel, type ImportModelOptions } from './import-model.js';
export { pullModel, type PullModelOptions, DEFAULT_HUB_URL } from './pull-model.js';
export { computeModelIdentity } from './model-identity.js';
export { modelFamilyDefaults } from './model-family-defaults.js';
export { MODEL_MANIFEST_FILE, modelManifestSchema, readModelManifest, type ModelManifest } from './model-manifest.js';
export { howToGetModel, type LocalDevice, type LocalDtype } from './local-model.js';
export {
  modelsOptionsSchema,
  embedderOptionsSchema,
  rerankerOptionsSchema,
  type ModelsOptions,
  type EmbedderOptions,
  type RerankerOptions,
  DEFAULT_LOCAL_EMBEDDING_MODEL,
  DEFAULT_LOCAL_RERANK_MODEL,
} from './models-options.js';
export { createEmbedderFromOptions, type EmbedderChoice, type ModelFactoryContext } from './create-embedder-from-options.js';
export { createRerankerFromOptions } from './create-reranker-from-options.js';
export * from './tokens/index.js';
