/** The `openai` embedder provider: OpenAI, or an OpenAI-compatible server (TEI, vLLM, Ollama) at `baseUrl`. */
import { z } from 'zod';
import { embeddingPrice } from '../model-price.js';
import type { EmbedderProvider } from '../provider.js';
import { baseUrlOption, batchSizeOption, dimensionsOption, modelOption } from './provider-option-schemas.js';

/** OpenAI's current small embedding model. */
export const DEFAULT_OPENAI_EMBEDDING_MODEL = 'text-embedding-3-small';

const optionsSchema = z.object({ model: modelOption, baseUrl: baseUrlOption, dimensions: dimensionsOption, batchSize: batchSizeOption });

export const openAIEmbedderProvider = {
  id: 'openai',
  optionsSchema,
  create: async (options, context) =>
    (await import('../openai-embedder.js')).createOpenAIEmbedder({
      model: options.model ?? DEFAULT_OPENAI_EMBEDDING_MODEL,
      baseUrl: options.baseUrl,
      dimensions: options.dimensions,
      batchSize: options.batchSize,
      env: context.env,
    }),
  describe: (options, embedder) => `${embedder.id}${options.baseUrl ? ` at ${options.baseUrl}` : ''}`,
  // US dollars per million input tokens, PRICE_TABLE_DATE.
  prices: [embeddingPrice('openai:text-embedding-3-small', 0.02, 8191), embeddingPrice('openai:text-embedding-3-large', 0.13, 8191)],
} as const satisfies EmbedderProvider<'openai', typeof optionsSchema>;
