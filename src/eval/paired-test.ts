import { InputError } from '../errors.js';
import { quantile, resolveResampling, type ResamplingOptions } from './bootstrap-ci.js';
import { mulberry32 } from './prng.js';

/** Result of comparing run B against run A over the same queries. */
export interface PairedTestResult {
  n: number;
  meanA: number;
  meanB: number;
  /** mean(B - A): positive when B is better on a higher-is-better metric. */
  meanDifference: number;
  /** Paired percentile-bootstrap interval of the mean difference. */
  lower: number;
  upper: number;
  /** Two-sided p-value of the paired randomization (sign-flip) test of mean difference = 0. */
  pValue: number;
  confidence: number;
}

/**
 * Paired comparison of two score lists aligned by query (a[i] and b[i] are the same query):
 * bootstrap CI of the mean difference (resampling queries) and a paired randomization test that
 * flips the sign of each difference at random (Fisher; Smucker, Allan & Carterette 2007 recommend it
 * for IR). The p-value is (extreme + 1) / (resamples + 1), so it is never exactly 0.
 */
export function pairedTest(a: readonly number[], b: readonly number[], options: ResamplingOptions = {}): PairedTestResult {
  const { seed, resamples, confidence } = resolveResampling(options);
  if (a.length !== b.length) throw new InputError('b', `must have the same length as a (${a.length}), got ${b.length}`);
  const n = a.length;
  if (n === 0) throw new InputError('a', 'cannot compare empty samples');
  const differences = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) throw new InputError(`values[${i}]`, 'must be finite numbers');
    differences[i] = b[i] - a[i];
  }
  const observed = mean(differences);
  const random = mulberry32(seed);
  const bootMeans = new Float64Array(resamples);
  for (let r = 0; r < resamples; r += 1) {
    let total = 0;
    for (let i = 0; i < n; i += 1) total += differences[Math.floor(random() * n)];
    bootMeans[r] = total / n;
  }
  bootMeans.sort();
  // Tolerance so that permutations equal to the observed statistic up to float noise count as extreme.
  const threshold = Math.abs(observed) - 1e-12;
  let extreme = 0;
  for (let r = 0; r < resamples; r += 1) {
    let total = 0;
    for (let i = 0; i < n; i += 1) total += random() < 0.5 ? -differences[i] : differences[i];
    if (Math.abs(total / n) >= threshold) extreme += 1;
  }
  return {
    n,
    meanA: mean(a),
    meanB: mean(b),
    meanDifference: observed,
    lower: quantile(bootMeans, (1 - confidence) / 2),
    upper: quantile(bootMeans, (1 + confidence) / 2),
    pValue: (extreme + 1) / (resamples + 1),
    confidence,
  };
}

function mean(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i += 1) total += values[i];
  return total / values.length;
}
