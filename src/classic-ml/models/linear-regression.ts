import { z } from 'zod';
import { InputError } from '../../errors.js';
import { requireFiniteNumbers, requireMatrix, requireSameLength } from '../core/validate.js';
import { choleskySolve } from './cholesky-solve.js';

/** A fitted linear (optionally ridge) regression as plain JSON. */
export const linearRegressionModelSchema = z.object({
  type: z.literal('linear-regression'),
  version: z.literal(1),
  featureNames: z.array(z.string()).optional(),
  coefficients: z.array(z.number()).min(1),
  intercept: z.number(),
  options: z.object({ alpha: z.number().nonnegative() }),
  training: z.object({ rows: z.number().int() }),
});
/** A fitted linear regression. */
export type LinearRegressionModel = z.infer<typeof linearRegressionModelSchema>;

/**
 * Least squares with an intercept, minimising ‖y − Xw − b‖² + alpha‖w‖² (scikit-learn's
 * LinearRegression for alpha = 0, Ridge otherwise). Solves the centred normal equations by Cholesky.
 */
export function fitLinearRegression(X: number[][], y: number[], options: { alpha?: number; featureNames?: string[] } = {}): LinearRegressionModel {
  const alpha = options.alpha ?? 0;
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new InputError('alpha', `is ${alpha}, expected a number >= 0`);
  const { columns: d } = requireMatrix(X, 'X', 2);
  requireFiniteNumbers(y, 'y');
  requireSameLength(X, 'X', y, 'y');
  const n = X.length;
  if (alpha === 0 && n <= d) throw new InputError('X', `has ${n} rows for ${d} features; least squares needs more rows than features (or alpha > 0)`);
  const means = new Float64Array(d);
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    yMean += y[i] / n;
    for (let j = 0; j < d; j++) means[j] += X[i][j] / n;
  }
  const gram = new Float64Array(d * d);
  const xty = new Float64Array(d);
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) centred[j] = X[i][j] - means[j];
    const yc = y[i] - yMean;
    for (let j = 0; j < d; j++) {
      xty[j] += centred[j] * yc;
      for (let k = 0; k <= j; k++) gram[j * d + k] += centred[j] * centred[k];
    }
  }
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) gram[k * d + j] = gram[j * d + k];
    gram[j * d + j] += alpha;
  }
  const w = choleskySolve(gram, xty, d);
  if (!w) throw new InputError('X', 'columns are collinear or constant; drop the redundant ones or set alpha > 0');
  let intercept = yMean;
  for (let j = 0; j < d; j++) intercept -= w[j] * means[j];
  return {
    type: 'linear-regression',
    version: 1,
    ...(options.featureNames ? { featureNames: options.featureNames } : {}),
    coefficients: Array.from(w),
    intercept,
    options: { alpha },
    training: { rows: n },
  };
}

/** Predictions of a linear regression for each row of X. */
export function predictLinear(model: LinearRegressionModel, X: number[][]): number[] {
  requireMatrix(X, 'X');
  if (X[0].length !== model.coefficients.length) {
    throw new InputError('X', `rows have ${X[0].length} columns, the model was trained on ${model.coefficients.length}`);
  }
  return X.map((row) => row.reduce((sum, v, j) => sum + v * model.coefficients[j], model.intercept));
}
