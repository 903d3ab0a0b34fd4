/** The `none` reranker provider: keeps the retriever's order. */
import { z } from 'zod';
import { noReranker } from '../no-reranker.js';
import type { RerankerProvider } from '../provider.js';

const optionsSchema = z.object({});

export const noRerankerProvider = {
  id: 'none',
  optionsSchema,
  create: async () => noReranker,
  prices: [],
} as const satisfies RerankerProvider<'none', typeof optionsSchema>;
