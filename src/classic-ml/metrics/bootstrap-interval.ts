import { InputError } from '../../errors.js';
import { createRandom, randomInt } from '../core/random.js';

/** Bootstrap defaults: 1000 resamples and a 95% percentile interval (Efron & Tibshirani 1993, ch. 13). */
export const DEFAULT_BOOTSTRAP_ITERATIONS = 1000;
export const DEFAULT_CONFIDENCE = 0.95;
export const DEFAULT_BOOTSTRAP_SEED = 1;

/** Options of a bootstrap interval. */
export interface BootstrapOptions {
  iterations?: number;
  confidence?: number;
  seed?: number;
}

/**
 * Percentile bootstrap interval of a statistic over n paired observations. The statistic gets the
 * resampled row indices. Resamples where it throws (e.g. one class only, for AUC) are skipped and
 * counted; more than half skipped is an error rather than a biased interval.
 * @example bootstrapInterval(y.length, (idx) => rocAuc(idx.map(i => y[i]), idx.map(i => s[i])))
 */
export function bootstrapInterval(
  n: number,
  statistic: (indices: number[]) => number,
  options: BootstrapOptions = {},
): { lower: number; upper: number; iterations: number; skipped: number } {
  const iterations = options.iterations ?? DEFAULT_BOOTSTRAP_ITERATIONS;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (n < 2) throw new InputError('bootstrap', `needs at least 2 observations, got ${n}`);
  if (!Number.isInteger(iterations) || iterations < 10) throw new InputError('bootstrap.iterations', `is ${iterations}, expected an integer >= 10`);
  if (!(confidence > 0 && confidence < 1)) throw new InputError('bootstrap.confidence', `is ${confidence}, expected a number in (0, 1)`);
  const random = createRandom(options.seed ?? DEFAULT_BOOTSTRAP_SEED);
  const values: number[] = [];
  let skipped = 0;
  const indices = new Array<number>(n);
  for (let b = 0; b < iterations; b++) {
    for (let i = 0; i < n; i++) indices[i] = randomInt(random, n);
    try {
      values.push(statistic(indices));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      skipped++;
    }
  }
  if (values.length < iterations / 2) {
    throw new InputError('bootstrap', `${skipped} of ${iterations} resamples had no defined statistic (too few rows of one class?)`);
  }
  values.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  const at = (q: number) => {
    const position = q * (values.length - 1);
    const low = Math.floor(position);
    const high = Math.ceil(position);
    return values[low] + (values[high] - values[low]) * (position - low);
  };
  return { lower: at(tail), upper: at(1 - tail), iterations, skipped };
}
