import { InputError } from '../errors.js';
import { mulberry32 } from './prng.js';

/** Bootstrap resamples by default: 10,000, comfortably above the ~1,000-2,000 Efron & Tibshirani (1993) suggest for percentile intervals. */
export const DEFAULT_RESAMPLES = 10_000;
/** Default confidence level of every interval. */
export const DEFAULT_CONFIDENCE = 0.95;
/** Default seed, so that intervals are reproducible unless the caller asks otherwise. */
export const DEFAULT_SEED = 42;

export interface ResamplingOptions {
  seed?: number;
  resamples?: number;
  confidence?: number;
}

/** A mean with its confidence interval. */
export interface MeanWithCI {
  mean: number;
  lower: number;
  upper: number;
  n: number;
}

/**
 * Seeded percentile-bootstrap confidence interval of the mean: resample the values with
 * replacement `resamples` times, take the (1-c)/2 and (1+c)/2 quantiles of the resampled means.
 */
export function bootstrapCI(values: readonly number[], options: ResamplingOptions = {}): MeanWithCI {
  const { seed, resamples, confidence } = resolveResampling(options);
  const n = values.length;
  if (n === 0) throw new InputError('values', 'cannot bootstrap an empty sample');
  values.forEach((value, index) => {
    if (!Number.isFinite(value)) throw new InputError(`values[${index}]`, `must be a finite number, got ${value}`);
  });
  const mean = sum(values) / n;
  const random = mulberry32(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r += 1) {
    let total = 0;
    for (let i = 0; i < n; i += 1) total += values[Math.floor(random() * n)];
    means[r] = total / n;
  }
  means.sort();
  return { mean, lower: quantile(means, (1 - confidence) / 2), upper: quantile(means, (1 + confidence) / 2), n };
}

/** Validates and fills resampling options. */
export function resolveResampling(options: ResamplingOptions): Required<ResamplingOptions> {
  const seed = options.seed ?? DEFAULT_SEED;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (!Number.isInteger(seed)) throw new InputError('seed', `must be an integer, got ${seed}`);
  if (!Number.isInteger(resamples) || resamples < 100) throw new InputError('resamples', `must be an integer >= 100, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new InputError('confidence', `must be in (0, 1), got ${confidence}`);
  return { seed, resamples, confidence };
}

/** Linear-interpolation quantile (type 7, the R and NumPy default) of sorted values. */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
