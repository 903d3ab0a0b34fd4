import { z } from 'zod';
import { RM3_DEFAULT_FEEDBACK_DOCS, RM3_DEFAULT_FEEDBACK_TERMS, RM3_DEFAULT_ORIGINAL_WEIGHT } from './rm3.js';

/** Candidates the ranker re-orders by default: the top 100 after fusion (the depth). */
export const DEFAULT_RANKER_DEPTH = 100;

/**
 * `retrieve.ranker`: the learned ranker, off unless set. `model` is a model file written by
 * `groundwork ranker train` (or `default`, the packaged one); it re-orders the top `depth`
 * candidates after fusion and before any cross-encoder rerank. Candidates' analyses are kept between
 * queries, up to `analysisCacheMb` (candidate-analysis.ts).
 */
export const rankerOptionsSchema = z
  .object({
    model: z.string().min(1),
    depth: z.number().int().min(2).max(1000).default(DEFAULT_RANKER_DEPTH),
    /** Candidates' analyses kept between queries (MiB, estimated; 0 = none; absent: DEFAULT_RANKER_ANALYSIS_CACHE_MB): a cached candidate costs no text analysis. */
    analysisCacheMb: z.number().min(0).max(65536).optional(),
  })
  .strict();
export type RankerOptions = z.infer<typeof rankerOptionsSchema>;

/**
 * `retrieve.rm3`: RM3 pseudo-relevance feedback on the sparse leg (a second BM25 search with the
 * expanded query), off by default. Defaults are Anserini's (rm3.ts).
 */
export const rm3OptionsSchema = z
  .object({
    enabled: z.boolean().default(false),
    feedbackDocs: z.number().int().min(1).max(100).default(RM3_DEFAULT_FEEDBACK_DOCS),
    feedbackTerms: z.number().int().min(1).max(100).default(RM3_DEFAULT_FEEDBACK_TERMS),
    originalWeight: z.number().min(0).max(1).default(RM3_DEFAULT_ORIGINAL_WEIGHT),
  })
  .strict();
export type Rm3Options = z.infer<typeof rm3OptionsSchema>;
