/** The extractive answerer's own options (the `extractive` chat provider's schema). */
import { z } from 'zod';

/** Sentences the extractive answerer quotes at most. */
export const DEFAULT_EXTRACTIVE_MAX_SENTENCES = 3;

/** `generate.maxSentences`: how many sentences the extractive answerer quotes at most. */
export const extractiveOptionsSchema = z.object({
  maxSentences: z.number().int().min(1).max(20).default(DEFAULT_EXTRACTIVE_MAX_SENTENCES),
});
