import { requireFiniteNumbers, requireSameLength } from '../core/validate.js';

/** Mean absolute error, root mean squared error and R² of predictions. */
export function regressionScores(yTrue: readonly number[], yPred: readonly number[]): { mae: number; rmse: number; r2: number } {
  requireFiniteNumbers(yTrue, 'yTrue');
  requireFiniteNumbers(yPred, 'yPred');
  requireSameLength(yTrue, 'yTrue', yPred, 'yPred');
  const n = yTrue.length;
  let mean = 0;
  for (const y of yTrue) mean += y / n;
  let absolute = 0;
  let squared = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const error = yTrue[i] - yPred[i];
    absolute += Math.abs(error);
    squared += error * error;
    total += (yTrue[i] - mean) ** 2;
  }
  // Constant yTrue leaves R² undefined; like scikit-learn (force_finite) it is 1 for a perfect fit, else 0.
  const r2 = total === 0 ? (squared === 0 ? 1 : 0) : 1 - squared / total;
  return { mae: absolute / n, rmse: Math.sqrt(squared / n), r2 };
}
