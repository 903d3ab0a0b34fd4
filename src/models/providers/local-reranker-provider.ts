/** The `local` reranker provider: a Transformers.js cross-encoder from the local models directory. */
import { z } from 'zod';
import type { RerankerProvider } from '../provider.js';
import { batchTokensOption, deviceOption, dtypeOption, modelOption, sessionsOption, threadsOption } from './provider-option-schemas.js';

/** The default local cross-encoder (Xenova/ms-marco-MiniLM-L-6-v2). */
export const DEFAULT_LOCAL_RERANK_MODEL = 'Xenova/ms-marco-MiniLM-L-6-v2';

const optionsSchema = z.object({ model: modelOption, dtype: dtypeOption, device: deviceOption, batchTokens: batchTokensOption, threads: threadsOption, sessions: sessionsOption });

export const localRerankerProvider = {
  id: 'local',
  optionsSchema,
  create: async (options, context) =>
    (await import('../local-reranker.js')).createLocalReranker({
      modelsDir: context.modelsDir,
      model: options.model ?? DEFAULT_LOCAL_RERANK_MODEL,
      dtype: options.dtype,
      device: options.device,
      batchTokens: options.batchTokens,
      threads: options.threads,
      sessions: options.sessions,
    }),
  // No API fees: the model registry prices every `local:*` id at $0.
  prices: [],
} as const satisfies RerankerProvider<'local', typeof optionsSchema>;
