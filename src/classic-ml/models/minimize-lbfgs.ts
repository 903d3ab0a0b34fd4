/** L-BFGS history length (Nocedal & Wright 2006, ch. 7: 3-20 is typical; 10 is scipy's default). */
export const LBFGS_HISTORY = 10;
const ARMIJO_C1 = 1e-4;
const MAX_LINE_SEARCH_STEPS = 40;

/** Objective returning the value and writing the gradient into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

/**
 * Minimises a smooth convex function with L-BFGS (two-loop recursion, backtracking Armijo line
 * search). Stops when the largest gradient component is below `tolerance`.
 */
export function minimizeLbfgs(
  objective: Objective,
  start: Float64Array,
  options: { tolerance: number; maxIterations: number },
): { x: Float64Array; value: number; iterations: number; converged: boolean } {
  const d = start.length;
  let x = Float64Array.from(start);
  let gradient = new Float64Array(d);
  let value = objective(x, gradient);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(LBFGS_HISTORY);
  const direction = new Float64Array(d);
  const nextX = new Float64Array(d);
  let nextGradient = new Float64Array(d);
  for (let iteration = 0; iteration < options.maxIterations; iteration++) {
    if (maxAbs(gradient) < options.tolerance) return { x, value, iterations: iteration, converged: true };
    direction.set(gradient);
    for (let k = s.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(s[k], direction);
      axpy(-alpha[k], y[k], direction);
    }
    const gamma = s.length > 0 ? dot(s[s.length - 1], y[y.length - 1]) / dot(y[y.length - 1], y[y.length - 1]) : 1 / Math.max(1, Math.sqrt(dot(gradient, gradient)));
    for (let i = 0; i < d; i++) direction[i] *= gamma;
    for (let k = 0; k < s.length; k++) {
      const beta = rho[k] * dot(y[k], direction);
      axpy(alpha[k] - beta, s[k], direction);
    }
    for (let i = 0; i < d; i++) direction[i] = -direction[i];
    let slope = dot(gradient, direction);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      s.length = y.length = rho.length = 0;
      for (let i = 0; i < d; i++) direction[i] = -gradient[i];
      slope = -dot(gradient, gradient);
    }
    let step = 1;
    let nextValue = Infinity;
    for (let k = 0; k < MAX_LINE_SEARCH_STEPS; k++) {
      for (let i = 0; i < d; i++) nextX[i] = x[i] + step * direction[i];
      nextValue = objective(nextX, nextGradient);
      if (nextValue <= value + ARMIJO_C1 * step * slope) break;
      step /= 2;
    }
    if (!(nextValue <= value + ARMIJO_C1 * step * slope)) return { x, value, iterations: iteration, converged: false };
    const sk = new Float64Array(d);
    const yk = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      sk[i] = nextX[i] - x[i];
      yk[i] = nextGradient[i] - gradient[i];
    }
    const curvature = dot(sk, yk);
    if (curvature > 1e-12) {
      if (s.length === LBFGS_HISTORY) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sk);
      y.push(yk);
      rho.push(1 / curvature);
    }
    x = Float64Array.from(nextX);
    const swap = gradient;
    gradient = nextGradient;
    nextGradient = swap;
    value = nextValue;
  }
  return { x, value, iterations: options.maxIterations, converged: maxAbs(gradient) < options.tolerance };
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  return max;
}
