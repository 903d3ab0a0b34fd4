import { z } from 'zod';

const column = z.string().min(1);

/** One feature-engineering step of the methodology's catalogue, fit on train and applied to other tables. */
export const featureStepSchema = z.discriminatedUnion('kind', [
  /** ln(x + offset) for right-skewed values; offset 1 gives log1p. */
  z.object({ kind: z.literal('log'), column, offset: z.number().default(1) }),
  /** z-score with train mean and population std (a constant column keeps scale 1, as scikit-learn). */
  z.object({ kind: z.literal('standardize'), column }),
  /** Bin index from train edges (quantile or equal-width). */
  z.object({ kind: z.literal('bin'), column, bins: z.number().int().min(2).max(100).default(5), strategy: z.enum(['quantile', 'uniform']).default('quantile') }),
  /** One column per train category; unknown categories become all zeros. */
  z.object({ kind: z.literal('one-hot'), column }),
  /** K-fold target encoding: out-of-fold means on train, full-train means elsewhere, smoothed toward the prior. */
  z.object({ kind: z.literal('target-encoding'), column, target: column, folds: z.number().int().min(2).max(50).default(5), smoothing: z.number().nonnegative().default(10), seed: z.number().int().default(42) }),
  /** sin/cos of 2πx/period for hour-of-day, day-of-week, month. */
  z.object({ kind: z.literal('cyclical'), column, period: z.number().positive() }),
  /** Value k rows earlier (within groupBy); null when there is none. */
  z.object({ kind: z.literal('lag'), column, lags: z.array(z.number().int().positive()).min(1).default([1]), groupBy: z.string().optional() }),
  /** Statistics over the previous `window` rows, excluding the current one (no look-ahead). */
  z.object({ kind: z.literal('rolling'), column, window: z.number().int().min(1), stats: z.array(z.enum(['mean', 'std', 'min', 'max'])).min(1).default(['mean']), groupBy: z.string().optional() }),
  /** TF-IDF of a text column (scikit-learn defaults), one column per vocabulary term. */
  z.object({ kind: z.literal('tfidf'), column, maxFeatures: z.number().int().positive().max(5000).default(100), minDf: z.number().int().positive().default(1) }),
]);
/** A parsed feature step. */
export type FeatureStep = z.infer<typeof featureStepSchema>;

/** Methodology: one-hot below 20 categories; above, use target encoding. */
export const MAX_ONE_HOT_CATEGORIES = 20;

/** Train statistics of one step, JSON-serialisable. */
export const fittedStepSchema = z.object({
  step: featureStepSchema,
  state: z.object({
    mean: z.number().optional(),
    scale: z.number().optional(),
    edges: z.array(z.number()).optional(),
    categories: z.array(z.string()).optional(),
    encoding: z.record(z.string(), z.number()).optional(),
    prior: z.number().optional(),
    vocabulary: z.array(z.string()).optional(),
    idf: z.array(z.number()).optional(),
  }),
});
/** Train statistics of one step. */
export type FittedStep = z.infer<typeof fittedStepSchema>;
