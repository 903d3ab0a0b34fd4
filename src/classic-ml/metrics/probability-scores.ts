import { requireBinaryLabels, requireProbabilities, requireSameLength } from '../core/validate.js';

/** Probabilities are clipped to [eps, 1 - eps] before the log: scikit-learn's historical eps of 1e-15. */
export const LOG_LOSS_EPSILON = 1e-15;
/** Equal-width reliability bins over [0, 1], the usual choice for ECE (Guo et al. 2017). */
export const DEFAULT_CALIBRATION_BINS = 10;

function check(yTrue: readonly (0 | 1)[], yProb: readonly number[]): void {
  requireBinaryLabels(yTrue, 'yTrue');
  requireProbabilities(yProb, 'yScore');
  requireSameLength(yTrue, 'yTrue', yProb, 'yScore');
}

/** Mean binary cross-entropy (natural log) of probabilities against 0/1 labels. */
export function logLoss(yTrue: readonly (0 | 1)[], yProb: readonly number[]): number {
  check(yTrue, yProb);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const p = Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, yProb[i]));
    sum -= yTrue[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / yTrue.length;
}

/** Brier score: mean squared difference between probability and label. */
export function brierScore(yTrue: readonly (0 | 1)[], yProb: readonly number[]): number {
  check(yTrue, yProb);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += (yProb[i] - yTrue[i]) ** 2;
  return sum / yTrue.length;
}

/** One reliability bin: predictions in [lower, upper) (the last bin includes 1). */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability; null for an empty bin. */
  meanPredicted: number | null;
  /** Observed positive rate; null for an empty bin. */
  observedRate: number | null;
}

/** Reliability diagram and expected calibration error ECE = Σ (n_b / N) |observed_b − predicted_b|. */
export function calibration(
  yTrue: readonly (0 | 1)[],
  yProb: readonly number[],
  bins = DEFAULT_CALIBRATION_BINS,
): { bins: ReliabilityBin[]; ece: number } {
  check(yTrue, yProb);
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`calibration: bins must be a positive integer, got ${bins}`);
  const counts = new Array<number>(bins).fill(0);
  const sumPredicted = new Array<number>(bins).fill(0);
  const sumObserved = new Array<number>(bins).fill(0);
  for (let i = 0; i < yTrue.length; i++) {
    const b = Math.min(bins - 1, Math.floor(yProb[i] * bins));
    counts[b]++;
    sumPredicted[b] += yProb[i];
    sumObserved[b] += yTrue[i];
  }
  let ece = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const n = counts[b];
    const meanPredicted = n === 0 ? null : sumPredicted[b] / n;
    const observedRate = n === 0 ? null : sumObserved[b] / n;
    if (n > 0) ece += (n / yTrue.length) * Math.abs((observedRate as number) - (meanPredicted as number));
    out.push({ lower: b / bins, upper: (b + 1) / bins, count: n, meanPredicted, observedRate });
  }
  return { bins: out, ece };
}
