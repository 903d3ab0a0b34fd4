import { requireBinaryLabels, requireFiniteNumbers, requireSameLength } from '../core/validate.js';

/** Counts of a binary confusion matrix. */
export interface ConfusionMatrix {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Decision threshold for scores: a score at or above it is predicted positive. */
export const DEFAULT_THRESHOLD = 0.5;

/** Confusion matrix of binary labels against scores cut at `threshold` (score >= threshold is positive). */
export function confusionMatrix(yTrue: readonly (0 | 1)[], yScore: readonly number[], threshold = DEFAULT_THRESHOLD): ConfusionMatrix {
  requireBinaryLabels(yTrue, 'yTrue');
  requireFiniteNumbers(yScore, 'yScore');
  requireSameLength(yTrue, 'yTrue', yScore, 'yScore');
  const counts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < yTrue.length; i++) {
    const predicted = yScore[i] >= threshold;
    if (yTrue[i] === 1) predicted ? counts.tp++ : counts.fn++;
    else predicted ? counts.fp++ : counts.tn++;
  }
  return counts;
}

/** Ratio that is 0 when the denominator is 0 (scikit-learn's zero_division=0 convention). */
export function safeRatio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/** Accuracy, precision, recall and F1 from a confusion matrix; undefined ratios are 0 as in scikit-learn. */
export function thresholdMetrics(c: ConfusionMatrix): { accuracy: number; precision: number; recall: number; f1: number } {
  const precision = safeRatio(c.tp, c.tp + c.fp);
  const recall = safeRatio(c.tp, c.tp + c.fn);
  return {
    accuracy: safeRatio(c.tp + c.tn, c.tp + c.tn + c.fp + c.fn),
    precision,
    recall,
    f1: safeRatio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
  };
}

/** Macro-averaged F1 over every label seen in yTrue or yPred (multi-class; each class weighs the same). */
export function macroF1(yTrue: readonly (string | number)[], yPred: readonly (string | number)[]): number {
  requireSameLength(yTrue, 'yTrue', yPred, 'yPred');
  if (yTrue.length === 0) requireFiniteNumbers(yTrue, 'yTrue');
  const labels = [...new Set([...yTrue, ...yPred])];
  let total = 0;
  for (const label of labels) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < yTrue.length; i++) {
      const isTrue = yTrue[i] === label;
      const isPred = yPred[i] === label;
      if (isTrue && isPred) tp++;
      else if (isPred) fp++;
      else if (isTrue) fn++;
    }
    total += safeRatio(2 * tp, 2 * tp + fp + fn);
  }
  return total / labels.length;
}
