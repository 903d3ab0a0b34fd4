// Special functions and distributions used by the statistical tests. Sources: Lanczos lnGamma and
// the incomplete gamma series / continued fraction follow Numerical Recipes (3rd ed., 6.1-6.2);
// the normal quantile is Acklam's rational approximation refined by one Halley step; the
// Kolmogorov distribution uses its two classical series (Marsaglia, Tsang & Wang 2003, eq. 1-2).

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const ITERATION_LIMIT = 10_000;
const RELATIVE_EPSILON = 1e-15;
const TINY = 1e-300;

/** Natural log of the gamma function for x > 0. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS_G + 2; i++) sum += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a). */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefix = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    // Series for P(a, x), then Q = 1 - P.
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < ITERATION_LIMIT; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * RELATIVE_EPSILON) break;
    }
    return Math.max(0, 1 - sum * Math.exp(logPrefix));
  }
  // Modified Lentz continued fraction for Q(a, x).
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < ITERATION_LIMIT; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < RELATIVE_EPSILON) break;
  }
  return Math.exp(logPrefix) * h;
}

/** Complementary error function, accurate in the tails (via Q(1/2, x²)). */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  return regularizedGammaQ(0.5, x * x);
}

/** Standard normal cumulative distribution function. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Standard normal survival function 1 - Φ(x), accurate for large x. */
export function normalSurvival(x: number): number {
  return 0.5 * erfc(x / Math.SQRT2);
}

const ACKLAM_A = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
const ACKLAM_B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const ACKLAM_C = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const ACKLAM_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const ACKLAM_LOW = 0.02425;

/** Standard normal quantile Φ⁻¹(p) for p in (0, 1). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  let x: number;
  if (p < ACKLAM_LOW || p > 1 - ACKLAM_LOW) {
    const q = Math.sqrt(-2 * Math.log(p < ACKLAM_LOW ? p : 1 - p));
    const c = ACKLAM_C;
    const d = ACKLAM_D;
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    if (p > 1 - ACKLAM_LOW) x = -x;
  } else {
    const q = p - 0.5;
    const r = q * q;
    const a = ACKLAM_A;
    const b = ACKLAM_B;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  // One Halley step brings Acklam's 1e-9 relative error to machine precision.
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Chi-square survival function P(X > x) with k degrees of freedom. */
export function chiSquareSurvival(x: number, degreesOfFreedom: number): number {
  return regularizedGammaQ(degreesOfFreedom / 2, x / 2);
}

/** Survival function of the limiting Kolmogorov distribution, P(K > lambda). */
export function kolmogorovSurvival(lambda: number): number {
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    // P(K <= λ) = sqrt(2π)/λ Σ exp(-(2k-1)² π² / (8λ²)): converges fast for small λ.
    const factor = -(Math.PI * Math.PI) / (8 * lambda * lambda);
    let sum = 0;
    for (let k = 1; k <= 20; k++) sum += Math.exp(factor * (2 * k - 1) * (2 * k - 1));
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * sum));
  }
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}
