import { z } from 'zod';

/** Methodology phase 7, 4_deployment: gradual_rollout 5% -> 25% -> 50% -> 100%. */
export const DEFAULT_CANARY_STEPS = [0.05, 0.25, 0.5, 1] as const;
/** Methodology phase 7: canary "monitor_for: 4h minimum" per step. */
export const DEFAULT_CANARY_WINDOW_MS = 4 * 60 * 60 * 1000;
/** Methodology phase 8 auto-rollback: error rate > 2x baseline. */
export const MAX_ERROR_RATE_RATIO = 2;
/** Methodology phase 8 auto-rollback: latency > 2x (compared at p95). */
export const MAX_P95_LATENCY_RATIO = 2;
/** Methodology phase 8 auto-rollback: primary metric drops > 5% (relative). */
export const MAX_PRIMARY_METRIC_DROP = 0.05;
/**
 * The error rate a baseline without errors is compared at: methodology phase 7's alert threshold
 * (error_rate_threshold 0.01). Without a floor, one error among a canary's first requests would be
 * "infinitely" worse than a clean baseline.
 */
export const ERROR_RATE_FLOOR = 0.01;
/** Requests per arm before rates are compared: at 30, one error is a 3% rate, the size of the differences checked. */
export const DEFAULT_MIN_REQUESTS = 30;
/** Rated requests per arm before the positive-feedback rates are compared. */
export const DEFAULT_MIN_RATINGS = 30;

/** A canary's settings (stored with the rollout). */
export const canarySettingsSchema = z
  .object({
    steps: z
      .array(z.number().gt(0).max(1))
      .min(1)
      .default([...DEFAULT_CANARY_STEPS])
      .refine((steps) => steps.every((share, i) => i === 0 || share > steps[i - 1]) && steps[steps.length - 1] === 1, 'must rise and end at 1'),
    windowMs: z.number().int().positive().default(DEFAULT_CANARY_WINDOW_MS),
    minRequests: z.number().int().min(1).default(DEFAULT_MIN_REQUESTS),
    minRatings: z.number().int().min(1).default(DEFAULT_MIN_RATINGS),
    maxErrorRateRatio: z.number().gt(1).default(MAX_ERROR_RATE_RATIO),
    maxP95Ratio: z.number().gt(1).default(MAX_P95_LATENCY_RATIO),
    maxPrimaryDrop: z.number().gt(0).lt(1).default(MAX_PRIMARY_METRIC_DROP),
    errorRateFloor: z.number().min(0).lt(1).default(ERROR_RATE_FLOOR),
  })
  .strict();
export type CanarySettings = z.output<typeof canarySettingsSchema>;
export type CanarySettingsInput = z.input<typeof canarySettingsSchema>;
