/**
 * The `extractive` chat provider: the offline default answerer. It quotes and cites sentences of
 * the context with the answer stage's evidence selection, so its implementation stays in
 * src/generate (moving a dozen evidence-selection modules into models would put the answer stage
 * in the wrong folder); this module is its registration.
 */
import { createExtractiveAnswerer } from '../../generate/extractive-answerer.js';
import { extractiveOptionsSchema } from '../../generate/extractive-options.js';
import type { ChatProvider } from '../provider.js';

export const extractiveChatProvider = {
  id: 'extractive',
  optionsSchema: extractiveOptionsSchema,
  create: (options) => createExtractiveAnswerer({ maxSentences: options.maxSentences }),
  // No API fees. The window is a cost bound (sentences scored per request), not a model limit.
  prices: [{ id: 'extractive', provider: 'local', kind: 'chat', inputPerMillion: 0, outputPerMillion: 0, cachedInputPerMillion: 0, perCallUsd: 0, contextWindow: 1_000_000, tier: 'small' }],
} as const satisfies ChatProvider<'extractive', typeof extractiveOptionsSchema>;
