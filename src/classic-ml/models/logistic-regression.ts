import { z } from 'zod';
import { InputError } from '../../errors.js';
import { requireBinaryLabels, requireBothClasses, requireMatrix, requireSameLength } from '../core/validate.js';
import { minimizeLbfgs } from './minimize-lbfgs.js';

/** Inverse L2 strength, scikit-learn's default C = 1: minimise ½‖w‖² + C Σ logloss (intercept unpenalised). */
export const DEFAULT_LOGISTIC_C = 1;
/** Stop when every gradient component of the mean-scaled objective is below this. */
export const DEFAULT_LOGISTIC_TOLERANCE = 1e-8;
export const DEFAULT_LOGISTIC_MAX_ITERATIONS = 1000;

/** A fitted logistic regression as plain JSON. */
export const logisticRegressionModelSchema = z.object({
  type: z.literal('logistic-regression'),
  version: z.literal(1),
  featureNames: z.array(z.string()).optional(),
  coefficients: z.array(z.number()).min(1),
  intercept: z.number(),
  options: z.object({ C: z.number().positive(), tolerance: z.number().positive(), maxIterations: z.number().int().positive() }),
  training: z.object({ rows: z.number().int(), positives: z.number().int(), iterations: z.number().int(), converged: z.boolean() }),
});
/** A fitted logistic regression. */
export type LogisticRegressionModel = z.infer<typeof logisticRegressionModelSchema>;

/** Options of fitLogisticRegression. */
export const logisticRegressionOptionsSchema = z.object({
  C: z.number().positive().default(DEFAULT_LOGISTIC_C),
  tolerance: z.number().positive().default(DEFAULT_LOGISTIC_TOLERANCE),
  maxIterations: z.number().int().positive().default(DEFAULT_LOGISTIC_MAX_ITERATIONS),
  featureNames: z.array(z.string()).optional(),
});
/** Options of fitLogisticRegression (all optional). */
export type LogisticRegressionOptions = z.input<typeof logisticRegressionOptionsSchema>;

function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/** The logistic function, stable for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * Fits binary logistic regression with L2 penalty by L-BFGS; same optimum as scikit-learn's
 * LogisticRegression(C) with lbfgs. X rows are feature vectors, y holds 0/1 labels.
 * @example const model = fitLogisticRegression([[0], [1], [2], [3]], [0, 0, 1, 1]); predictProba(model, [[1.5]])
 */
export function fitLogisticRegression(X: number[][], y: (0 | 1)[], options: LogisticRegressionOptions = {}): LogisticRegressionModel {
  const parsed = logisticRegressionOptionsSchema.parse(options);
  const { columns: d } = requireMatrix(X, 'X', 2);
  requireBinaryLabels(y, 'y');
  requireSameLength(X, 'X', y, 'y');
  const positives = requireBothClasses(y, 'y');
  if (parsed.featureNames && parsed.featureNames.length !== d) {
    throw new InputError('featureNames', `has ${parsed.featureNames.length} names for ${d} columns`);
  }
  const n = X.length;
  const flat = new Float64Array(n * d);
  X.forEach((row, i) => flat.set(row, i * d));
  const penalty = 1 / (parsed.C * n);
  // Parameters: d coefficients, then the intercept. Objective scaled by 1/n for conditioning.
  const objective = (w: Float64Array, gradient: Float64Array): number => {
    gradient.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let z = w[d];
      const offset = i * d;
      for (let j = 0; j < d; j++) z += flat[offset + j] * w[j];
      loss += y[i] === 1 ? softplus(-z) : softplus(z);
      const residual = sigmoid(z) - y[i];
      for (let j = 0; j < d; j++) gradient[j] += residual * flat[offset + j];
      gradient[d] += residual;
    }
    let norm = 0;
    for (let j = 0; j < d; j++) {
      norm += w[j] * w[j];
      gradient[j] = gradient[j] / n + penalty * w[j];
    }
    gradient[d] /= n;
    return loss / n + 0.5 * penalty * norm;
  };
  const result = minimizeLbfgs(objective, new Float64Array(d + 1), { tolerance: parsed.tolerance, maxIterations: parsed.maxIterations });
  return {
    type: 'logistic-regression',
    version: 1,
    ...(parsed.featureNames ? { featureNames: parsed.featureNames } : {}),
    coefficients: Array.from(result.x.subarray(0, d)),
    intercept: result.x[d],
    options: { C: parsed.C, tolerance: parsed.tolerance, maxIterations: parsed.maxIterations },
    training: { rows: n, positives, iterations: result.iterations, converged: result.converged },
  };
}

/** Probability of class 1 for one feature vector. */
export function predictProbaRow(model: LogisticRegressionModel, row: readonly number[]): number {
  let z = model.intercept;
  for (let j = 0; j < model.coefficients.length; j++) z += model.coefficients[j] * row[j];
  return sigmoid(z);
}

/** Probability of class 1 for each row of X. */
export function predictProba(model: LogisticRegressionModel, X: number[][]): number[] {
  requireMatrix(X, 'X');
  if (X[0].length !== model.coefficients.length) {
    throw new InputError('X', `rows have ${X[0].length} columns, the model was trained on ${model.coefficients.length}`);
  }
  return X.map((row) => predictProbaRow(model, row));
}

/** Validates parsed JSON (or a JSON string) as a logistic-regression model. */
export function loadLogisticRegression(json: unknown): LogisticRegressionModel {
  const value: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  const parsed = logisticRegressionModelSchema.safeParse(value);
  if (!parsed.success) throw new InputError('model', `not a logistic-regression model: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
