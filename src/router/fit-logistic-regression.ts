import { InputError } from '../errors.js';

/** A fitted binary logistic regression on standardized features. JSON-serializable. */
export interface LogisticModel {
  weights: number[];
  intercept: number;
  /** Per-feature mean and standard deviation used to standardize inputs. */
  means: number[];
  stds: number[];
  iterations: number;
}

export interface LogisticFitOptions {
  /** L2 penalty on the weights (not the intercept); keeps separable data finite. */
  l2: number;
  maxIterations: number;
  /** Stop when no coefficient moves more than this. */
  tolerance: number;
}

/** Defaults: a light ridge (1e-2 on standardized features) and Newton steps, which converge in < 25 iterations on routing data. */
export const DEFAULT_LOGISTIC_FIT_OPTIONS: LogisticFitOptions = { l2: 1e-2, maxIterations: 50, tolerance: 1e-8 };

/**
 * Fits P(y = 1 | x) = sigmoid(b + w.x) by Newton-Raphson (IRLS) with an L2 penalty.
 * Minimal on purpose: the router's own copy until src/classic-ml ships fitLogisticRegression.
 */
export function fitLogisticRegression(x: number[][], y: number[], options: LogisticFitOptions = DEFAULT_LOGISTIC_FIT_OPTIONS): LogisticModel {
  if (x.length === 0) throw new InputError('rows', 'need at least one row to fit');
  if (x.length !== y.length) throw new InputError('rows', `features (${x.length}) and labels (${y.length}) differ in length`);
  const width = x[0].length;
  x.forEach((row, i) => {
    if (row.length !== width) throw new InputError(`rows[${i}].features`, `has ${row.length} values, expected ${width}`);
    if (row.some((v) => !Number.isFinite(v))) throw new InputError(`rows[${i}].features`, 'holds a non-finite number');
  });
  const means = Array.from({ length: width }, (_, j) => x.reduce((s, row) => s + row[j], 0) / x.length);
  const stds = means.map((mean, j) => Math.sqrt(x.reduce((s, row) => s + (row[j] - mean) ** 2, 0) / x.length) || 1);
  const z = x.map((row) => [1, ...row.map((v, j) => (v - means[j]) / stds[j])]);
  const size = width + 1;
  let beta = new Array<number>(size).fill(0);
  let iterations = 0;
  for (; iterations < options.maxIterations; iterations++) {
    const gradient = new Array<number>(size).fill(0);
    const hessian = Array.from({ length: size }, () => new Array<number>(size).fill(0));
    for (let i = 0; i < z.length; i++) {
      const p = sigmoid(dot(beta, z[i]));
      const w = p * (1 - p);
      for (let a = 0; a < size; a++) {
        gradient[a] += (y[i] - p) * z[i][a];
        for (let b = 0; b < size; b++) hessian[a][b] += w * z[i][a] * z[i][b];
      }
    }
    for (let a = 1; a < size; a++) {
      gradient[a] -= options.l2 * x.length * beta[a];
      hessian[a][a] += options.l2 * x.length;
    }
    hessian[0][0] += 1e-9; // keeps all-one-class data solvable
    const step = solve(hessian, gradient);
    beta = beta.map((v, a) => v + step[a]);
    if (Math.max(...step.map(Math.abs)) < options.tolerance) break;
  }
  return { intercept: beta[0], weights: beta.slice(1), means, stds, iterations };
}

/** P(y = 1) for one row of raw (unstandardized) features. */
export function predictLogistic(model: LogisticModel, row: readonly number[]): number {
  let sum = model.intercept;
  for (let j = 0; j < model.weights.length; j++) sum += model.weights[j] * ((row[j] - model.means[j]) / model.stds[j]);
  return sigmoid(sum);
}

/** The logistic function. */
export function sigmoid(value: number): number {
  return value >= 0 ? 1 / (1 + Math.exp(-value)) : Math.exp(value) / (1 + Math.exp(value));
}

function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** Gaussian elimination with partial pivoting on a small dense system. */
function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const m = matrix.map((row, i) => [...row, rhs[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    const head = m[col][col] || 1e-12;
    for (let r = col + 1; r < n; r++) {
      const factor = m[r][col] / head;
      for (let c = col; c <= n; c++) m[r][c] -= factor * m[col][c];
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let sum = m[r][n];
    for (let c = r + 1; c < n; c++) sum -= m[r][c] * out[c];
    out[r] = sum / (m[r][r] || 1e-12);
  }
  return out;
}
