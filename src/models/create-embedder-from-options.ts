/**
 * Builds the configured embedder (or none) from the `models.embedder` options. Each provider's
 * module is imported when it is chosen: Transformers.js with onnxruntime, LangChain's OpenAI client
 * and cohere-ai take 0.5-0.6 s each to import, and a process uses one of them, or none.
 */
import { listModels } from './list-models.js';
import { DEFAULT_LOCAL_EMBEDDING_MODEL, type EmbedderOptions, embedderOptionsSchema } from './models-options.js';
import type { Embedder } from './types.js';

/** OpenAI's current small embedding model. */
const DEFAULT_OPENAI_EMBEDDING_MODEL = 'text-embedding-3-small';
/** Cohere's English v3 embedding model. */
const DEFAULT_COHERE_EMBEDDING_MODEL = 'embed-english-v3.0';

/** What was built and why: `embedder` is undefined when groundwork runs lexical-only. */
export interface EmbedderChoice {
  embedder?: Embedder;
  /** One line for the user, e.g. "no embedding model installed: lexical-only (BM25) retrieval ...". */
  reason: string;
}

export interface ModelFactoryContext {
  modelsDir: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Creates the embedder described by `options`. Provider `auto` picks the configured (or default)
 * local model when installed, else any installed local embedder, else none, and says which.
 */
export async function createEmbedderFromOptions(options: Partial<EmbedderOptions>, context: ModelFactoryContext): Promise<EmbedderChoice> {
  const parsed = embedderOptionsSchema.parse(options);
  const local = async (model: string) =>
    (await import('./local-embedder.js')).createLocalEmbedder({ modelsDir: context.modelsDir, model, dtype: parsed.dtype, device: parsed.device, batchSize: parsed.batchSize });
  switch (parsed.provider) {
    case 'none':
      return { reason: 'embedder disabled (models.embedder.provider = none): lexical-only (BM25) retrieval' };
    case 'local': {
      const model = parsed.model ?? DEFAULT_LOCAL_EMBEDDING_MODEL;
      return { embedder: await local(model), reason: `local embedder ${model}` };
    }
    case 'openai': {
      const model = parsed.model ?? DEFAULT_OPENAI_EMBEDDING_MODEL;
      const { createOpenAIEmbedder } = await import('./openai-embedder.js');
      const embedder = createOpenAIEmbedder({ model, baseUrl: parsed.baseUrl, dimensions: parsed.dimensions, batchSize: parsed.batchSize, env: context.env });
      return { embedder, reason: `${embedder.id}${parsed.baseUrl ? ` at ${parsed.baseUrl}` : ''}` };
    }
    case 'cohere': {
      const model = parsed.model ?? DEFAULT_COHERE_EMBEDDING_MODEL;
      const { createCohereEmbedder } = await import('./cohere-embedder.js');
      const embedder = createCohereEmbedder({ model, baseUrl: parsed.baseUrl, dimensions: parsed.dimensions, env: context.env });
      return { embedder, reason: embedder.id };
    }
    case 'auto': {
      const installed = (await listModels(context.modelsDir)).filter((model) => model.kind !== 'reranker');
      const wanted = parsed.model ?? DEFAULT_LOCAL_EMBEDDING_MODEL;
      const chosen = installed.find((model) => model.id === wanted) ?? (parsed.model ? undefined : installed[0]);
      if (!chosen) {
        const detail = parsed.model ? `model "${parsed.model}" is not installed in ${context.modelsDir}` : `no embedding model installed in ${context.modelsDir}`;
        return { reason: `${detail}: lexical-only (BM25) retrieval. Install one with \`groundwork models pull ${wanted}\` or \`groundwork models import <dir>\`.` };
      }
      const relativeId = chosen.dir.slice(context.modelsDir.length).replace(/^[\\/]+/, '');
      return { embedder: await local(relativeId), reason: `local embedder ${chosen.id} (auto: installed in ${context.modelsDir})` };
    }
  }
}
