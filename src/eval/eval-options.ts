import { z } from 'zod';
import { DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, DEFAULT_SEED } from './bootstrap-ci.js';
import { WORST_QUERY_COUNT } from './eval-report.js';
import { DEFAULT_JUDGE_REPEATS } from './llm-judge.js';
import { SUPPORT_THRESHOLD } from './lexical-support.js';

/** The `eval` section of the groundwork config, with defaults (each default's source is on its constant). */
export const evalOptionsSchema = z
  .object({
    /** Cutoff of every IR metric (documents). */
    k: z.number().int().min(1).max(1000).default(10),
    /** Seed of every bootstrap and permutation. */
    seed: z.number().int().default(DEFAULT_SEED),
    resamples: z.number().int().min(100).max(1_000_000).default(DEFAULT_RESAMPLES),
    confidence: z.number().gt(0).lt(1).default(DEFAULT_CONFIDENCE),
    /** Judged queries absent from a run: 'zero' (trec_eval -c) or 'skip' (plain trec_eval). */
    missingQueries: z.enum(['zero', 'skip']).default('zero'),
    /** Share of a claim's content words a passage must contain to support it (lexical baseline). */
    supportThreshold: z.number().gt(0).max(1).default(SUPPORT_THRESHOLD),
    /** Judgments per item in LLM-judge mode. */
    judgeRepeats: z.number().int().min(1).max(15).default(DEFAULT_JUDGE_REPEATS),
    /** Worst queries listed in reports. */
    worstQueries: z.number().int().min(0).max(1000).default(WORST_QUERY_COUNT),
  })
  .strict();
export type EvalOptions = z.output<typeof evalOptionsSchema>;
