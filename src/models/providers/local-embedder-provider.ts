/** The `local` embedder provider: a Transformers.js model from the local models directory. */
import { z } from 'zod';
import { embeddingPrice } from '../model-price.js';
import type { EmbedderProvider } from '../provider.js';
import { batchSizeOption, batchTokensOption, deviceOption, dtypeOption, modelOption, sessionsOption, threadsOption } from './provider-option-schemas.js';

/** The default local embedder: small, fast on CPU, widely published as Transformers.js ONNX. */
export const DEFAULT_LOCAL_EMBEDDING_MODEL = 'Xenova/all-MiniLM-L6-v2';

const optionsSchema = z.object({
  model: modelOption,
  dtype: dtypeOption,
  device: deviceOption,
  batchSize: batchSizeOption,
  batchTokens: batchTokensOption,
  threads: threadsOption,
  sessions: sessionsOption,
});

export const localEmbedderProvider = {
  id: 'local',
  optionsSchema,
  // Transformers.js with onnxruntime takes ~0.5 s to import: only when this provider is chosen.
  create: async (options, context) =>
    (await import('../local-embedder.js')).createLocalEmbedder({
      modelsDir: context.modelsDir,
      model: options.model ?? DEFAULT_LOCAL_EMBEDDING_MODEL,
      dtype: options.dtype,
      device: options.device,
      batchSize: options.batchSize,
      batchTokens: options.batchTokens,
      threads: options.threads,
      sessions: options.sessions,
    }),
  describe: (options) => `local embedder ${options.model ?? DEFAULT_LOCAL_EMBEDDING_MODEL}`,
  // No API fees; any other `local:*` id is priced $0 by the model registry as well.
  prices: [
    embeddingPrice('local:Xenova/all-MiniLM-L6-v2', 0, 256),
    embeddingPrice('local:Xenova/bge-small-en-v1.5', 0, 512),
    embeddingPrice('local:Xenova/multilingual-e5-small', 0, 512),
  ],
} as const satisfies EmbedderProvider<'local', typeof optionsSchema>;
