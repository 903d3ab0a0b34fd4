/** The `cohere` embedder provider: Cohere's `/v2/embed`. */
import { z } from 'zod';
import { embeddingPrice } from '../model-price.js';
import type { EmbedderProvider } from '../provider.js';
import { baseUrlOption, dimensionsOption, modelOption } from './provider-option-schemas.js';

/** Cohere's English v3 embedding model. */
export const DEFAULT_COHERE_EMBEDDING_MODEL = 'embed-english-v3.0';

const optionsSchema = z.object({ model: modelOption, baseUrl: baseUrlOption, dimensions: dimensionsOption });

export const cohereEmbedderProvider = {
  id: 'cohere',
  optionsSchema,
  // cohere-ai takes ~0.5 s to import: only when this provider is chosen.
  create: async (options, context) =>
    (await import('../cohere-embedder.js')).createCohereEmbedder({
      model: options.model ?? DEFAULT_COHERE_EMBEDDING_MODEL,
      baseUrl: options.baseUrl,
      dimensions: options.dimensions,
      env: context.env,
    }),
  // US dollars per million input tokens, PRICE_TABLE_DATE.
  prices: [
    embeddingPrice('cohere:embed-v4.0', 0.12, 128_000),
    embeddingPrice('cohere:embed-english-v3.0', 0.1, 512),
    embeddingPrice('cohere:embed-multilingual-v3.0', 0.1, 512),
  ],
} as const satisfies EmbedderProvider<'cohere', typeof optionsSchema>;
