/**
 * Config schema for the models stage (`models` key of the groundwork config): which embedder and
 * reranker to build. The provider values and keys come from the provider lists
 * (providers/embedder-providers.ts, providers/reranker-providers.ts).
 */
import { z } from 'zod';
import { mergeOptionShapes, providerIds, type EmbedderProvider, type RerankerProvider } from './provider.js';
import { EMBEDDER_CHOICES, EMBEDDER_PROVIDERS } from './providers/embedder-providers.js';
import { RERANKER_PROVIDERS } from './providers/reranker-providers.js';

export { DEFAULT_LOCAL_EMBEDDING_MODEL } from './providers/local-embedder-provider.js';
export { DEFAULT_LOCAL_RERANK_MODEL } from './providers/local-reranker-provider.js';

/**
 * `models.embedder`: `auto` (default: the local model when one is installed, else none,
 * lexical-only), `none`, or a registered provider (local, openai, cohere) with its options:
 * model (defaults per provider: local Xenova/all-MiniLM-L6-v2, openai text-embedding-3-small,
 * cohere embed-english-v3.0), dtype, device, baseUrl, dimensions, batchSize.
 */
export const embedderOptionsSchema = z
  .object({
    provider: z.enum(providerIds(EMBEDDER_PROVIDERS, EMBEDDER_CHOICES)).default('auto'),
    ...mergeOptionShapes(EMBEDDER_PROVIDERS),
  })
  .strict();

/** `models.reranker`: `none` (default), `local` (Xenova/ms-marco-MiniLM-L-6-v2) or `cohere` (rerank-v3.5), with their options. */
export const rerankerOptionsSchema = z
  .object({
    provider: z.enum(providerIds(RERANKER_PROVIDERS)).default('none'),
    ...mergeOptionShapes(RERANKER_PROVIDERS),
  })
  .strict();

/** The `models.embedder` schema for another provider list (EMBEDDER_PROVIDERS plus a plug-in's). */
export function createEmbedderOptionsSchema(providers: readonly EmbedderProvider[]): z.ZodObject {
  return z
    .object({
      provider: z.enum(providerIds(providers, EMBEDDER_CHOICES)).default('auto'),
      ...(mergeOptionShapes(providers) as z.ZodRawShape),
    })
    .strict();
}

/** The `models.reranker` schema for another provider list (RERANKER_PROVIDERS plus a plug-in's); the list's first is the default. */
export function createRerankerOptionsSchema(providers: readonly RerankerProvider[]): z.ZodObject {
  const [first] = providers;
  if (!first) throw new Error('createRerankerOptionsSchema needs at least one reranker provider');
  return z
    .object({
      provider: z.enum(providerIds(providers)).default(first.id),
      ...(mergeOptionShapes(providers) as z.ZodRawShape),
    })
    .strict();
}

/** `models` config section. API keys come from OPENAI_API_KEY / COHERE_API_KEY, never from the file. */
export const modelsOptionsSchema = z
  .object({
    embedder: embedderOptionsSchema.prefault({}),
    reranker: rerankerOptionsSchema.prefault({}),
  })
  .strict();

export type EmbedderOptions = z.infer<typeof embedderOptionsSchema>;
export type RerankerOptions = z.infer<typeof rerankerOptionsSchema>;
export type ModelsOptions = z.infer<typeof modelsOptionsSchema>;
