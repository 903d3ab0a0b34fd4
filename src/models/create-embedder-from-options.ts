/**
 * Builds the configured embedder (or none) from the `models.embedder` options through the
 * embedder provider registered under its `provider` (providers/embedder-providers.ts). Each
 * provider imports its SDK when chosen: Transformers.js with onnxruntime, the openai client and
 * cohere-ai take 0.5-0.6 s each to import, and a process uses one of them, or none.
 */
import { listModels } from './list-models.js';
import { createEmbedderOptionsSchema, embedderOptionsSchema, type EmbedderOptions } from './models-options.js';
import { findProvider, providerOptions, type EmbedderProvider, type ModelFactoryContext } from './provider.js';
import { EMBEDDER_PROVIDERS } from './providers/embedder-providers.js';
import { DEFAULT_LOCAL_EMBEDDING_MODEL } from './providers/local-embedder-provider.js';
import type { Embedder } from './types.js';

export type { ModelFactoryContext };

/** What was built and why: `embedder` is undefined when groundwork runs lexical-only. */
export interface EmbedderChoice {
  embedder?: Embedder;
  /** One line for the user, e.g. "no embedding model installed: lexical-only (BM25) retrieval ...". */
  reason: string;
}

/**
 * Creates the embedder described by `options`. Provider `auto` picks the configured (or default)
 * local model when installed, else any installed local embedder, else none, and says which.
 */
/** `providers`: EMBEDDER_PROVIDERS, or a list with more (the options are checked against that list). */
export async function createEmbedderFromOptions(
  options: Partial<EmbedderOptions>,
  context: ModelFactoryContext,
  providers: readonly EmbedderProvider[] = EMBEDDER_PROVIDERS,
): Promise<EmbedderChoice> {
  const schema = providers === EMBEDDER_PROVIDERS ? embedderOptionsSchema : createEmbedderOptionsSchema(providers);
  const parsed = schema.parse(options) as EmbedderOptions & Record<string, unknown>;
  if (parsed.provider === 'none') return { reason: 'embedder disabled (models.embedder.provider = none): lexical-only (BM25) retrieval' };
  if (parsed.provider !== 'auto') {
    const provider = findProvider(providers, parsed.provider);
    const providerSettings = providerOptions(provider, parsed);
    const embedder = await provider.create(providerSettings, context);
    return { embedder, reason: provider.describe?.(providerSettings, embedder) ?? embedder.id };
  }
  const local = findProvider(providers, 'local');
  const installed = (await listModels(context.modelsDir)).filter((model) => model.kind !== 'reranker');
  const wanted = parsed.model ?? DEFAULT_LOCAL_EMBEDDING_MODEL;
  const chosen = installed.find((model) => model.id === wanted) ?? (parsed.model ? undefined : installed[0]);
  if (!chosen) {
    const detail = parsed.model ? `model "${parsed.model}" is not installed in ${context.modelsDir}` : `no embedding model installed in ${context.modelsDir}`;
    return { reason: `${detail}: lexical-only (BM25) retrieval. Install one with \`groundwork models pull ${wanted}\` or \`groundwork models import <dir>\`.` };
  }
  const relativeId = chosen.dir.slice(context.modelsDir.length).replace(/^[\\/]+/, '');
  const embedder = await local.create(providerOptions(local, { ...parsed, model: relativeId }), context);
  return { embedder, reason: `local embedder ${chosen.id} (auto: installed in ${context.modelsDir})` };
}
