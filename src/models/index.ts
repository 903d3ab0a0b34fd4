/** Models stage: the provider registry, chat models, embedders, rerankers, model management, retry helper. Re-exports only. */
export type { Embedder, EmbedOptions, Reranker } from './types.js';
export { zeroUsage, type ChatMessage, type ChatModel, type GenerateRequest, type GenerateResult, type StreamEvent, type ToolCall, type ToolDefinition, type Usage } from './chat/chat-model.js';
export { DEFAULT_MAX_OUTPUT_TOKENS, DEFAULT_PROVIDER_TIMEOUT_MS } from './chat/chat-defaults.js';
export { createOpenAIChatModel, DEFAULT_UNKNOWN_CONTEXT_WINDOW, OPENAI_CONTEXT_WINDOWS, type OpenAIChatModelOptions } from './chat/openai-chat-model.js';
export { ANTHROPIC_CONTEXT_WINDOW, createAnthropicChatModel, type AnthropicChatModelOptions } from './chat/anthropic-chat-model.js';
export { ANTHROPIC_MIN_CACHEABLE_TOKENS, DEFAULT_MIN_CACHEABLE_TOKENS, minCacheableTokens } from './chat/anthropic-cache-minimums.js';
export { CHAT_PROVIDERS, type ChatProviderId } from './chat/chat-providers.js';
export { extractiveChatProvider } from './chat/extractive-chat-provider.js';
export { DEFAULT_OPENAI_CHAT_MODEL, openAIChatProvider } from './chat/openai-chat-provider.js';
export { anthropicChatProvider, DEFAULT_ANTHROPIC_CHAT_MODEL } from './chat/anthropic-chat-provider.js';
export { remoteChatOptionsSchema } from './chat/remote-chat-options.js';
export {
  findProvider,
  mergeOptionShapes,
  providerIds,
  providerOptions,
  providerPrices,
  type ChatProvider,
  type ChatProviderContext,
  type EmbedderProvider,
  type MergedOptionsShape,
  type RerankerProvider,
} from './provider.js';
export { chatPrice, embeddingPrice, rerankPrice, PRICE_TABLE_DATE, type ModelInfo, type ModelKind, type ModelTier } from './model-price.js';
export { EMBEDDER_CHOICES, EMBEDDER_PROVIDERS } from './providers/embedder-providers.js';
export { RERANKER_PROVIDERS } from './providers/reranker-providers.js';
export { DEFAULT_OPENAI_EMBEDDING_MODEL, openAIEmbedderProvider } from './providers/openai-embedder-provider.js';
export { cohereEmbedderProvider, DEFAULT_COHERE_EMBEDDING_MODEL } from './providers/cohere-embedder-provider.js';
export { localEmbedderProvider } from './providers/local-embedder-provider.js';
export { cohereRerankerProvider, DEFAULT_COHERE_RERANK_MODEL } from './providers/cohere-reranker-provider.js';
export { localRerankerProvider } from './providers/local-reranker-provider.js';
export { noRerankerProvider } from './providers/no-reranker-provider.js';
export { createLocalEmbedder, DEFAULT_LOCAL_BATCH_SIZE, type LocalEmbedder, type LocalEmbedderOptions } from './local-embedder.js';
export { createLocalReranker, type LocalReranker, type LocalRerankerOptions } from './local-reranker.js';
export { planBatches, type BatchPlanOptions, type PlannedBatch } from './length-buckets.js';
export { compareEmbeddings, PARITY_MIN_COSINE, type PrecisionParity } from './local-precision-parity.js';
export { availableCores, resolveParallelism, type Parallelism } from './local-session.js';
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
  createEmbedderOptionsSchema,
  createRerankerOptionsSchema,
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
