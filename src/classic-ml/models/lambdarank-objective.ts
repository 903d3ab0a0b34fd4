/**
 * LambdaRank's gradients for gradient boosting (Burges 2010, "From RankNet to LambdaRank to
 * LambdaMART: An Overview", §6-7), as LightGBM's `lambdarank` objective computes them: for each
 * query, every pair (i, j) with different grades where at least one of the two is ranked within the
 * truncation level by the current scores contributes
 *   λ = σ · ρ · |ΔnDCG|,  ρ = 1 / (1 + exp(σ (s_high − s_low)))
 * to the higher-graded item's negative gradient (and −λ to the other's), and σ² ρ (1 − ρ) |ΔnDCG| to
 * both hessians. |ΔnDCG| is the change of nDCG at the truncation level if the two swapped ranks
 * (gain 2^grade − 1, discount 1 / log2(rank + 1)). Per query the lambdas are scaled by
 * log2(1 + Σλ) / Σλ (LightGBM's lambdarank_norm), so queries with many pairs do not dominate.
 */

/** Options of the objective; defaults are LightGBM's (sigmoid 1, truncation 30, norm on). */
export interface LambdarankOptions {
  sigma?: number;
  truncation?: number;
  normalize?: boolean;
}

export const LAMBDARANK_DEFAULT_SIGMA = 1;
/** LightGBM's lambdarank_truncation_level default. */
export const LAMBDARANK_DEFAULT_TRUNCATION = 30;

/** DCG gain of a grade: 2^grade − 1 (equal to the grade itself for binary judgments). */
export function rankGain(grade: number): number {
  return 2 ** grade - 1;
}

/** Ideal DCG of the grades in [start, end), cut at `k`. */
export function idealDcgOf(labels: ArrayLike<number>, start: number, end: number, k: number): number {
  const grades = Array.from({ length: end - start }, (_, i) => labels[start + i]).sort((a, b) => b - a);
  let dcg = 0;
  for (let r = 0; r < Math.min(k, grades.length); r++) dcg += rankGain(grades[r]) / Math.log2(r + 2);
  return dcg;
}

/** Row indices of [start, end) sorted by score descending (ties: earlier row first, a stable order). */
export function rankRows(scores: ArrayLike<number>, start: number, end: number): number[] {
  const order = Array.from({ length: end - start }, (_, i) => start + i);
  return order.sort((a, b) => scores[b] - scores[a] || a - b);
}

/**
 * Fills `gradient` and `hessian` (length = rows) with the LambdaRank gradients of `scores` for the
 * queries delimited by `offsets` (query q holds rows offsets[q] .. offsets[q + 1] − 1).
 */
export function lambdarankGradients(
  scores: Float64Array,
  labels: ArrayLike<number>,
  offsets: ArrayLike<number>,
  gradient: Float64Array,
  hessian: Float64Array,
  options: LambdarankOptions = {},
): void {
  const sigma = options.sigma ?? LAMBDARANK_DEFAULT_SIGMA;
  const truncation = options.truncation ?? LAMBDARANK_DEFAULT_TRUNCATION;
  const normalize = options.normalize ?? true;
  gradient.fill(0);
  hessian.fill(0);
  for (let q = 0; q + 1 < offsets.length; q++) {
    const start = offsets[q];
    const end = offsets[q + 1];
    const ideal = idealDcgOf(labels, start, end, truncation);
    if (ideal <= 0) continue;
    const order = rankRows(scores, start, end);
    const n = order.length;
    let lambdaSum = 0;
    for (let i = 0; i < Math.min(n, truncation); i++) {
      const a = order[i];
      for (let j = i + 1; j < n; j++) {
        const b = order[j];
        if (labels[a] === labels[b]) continue;
        const [high, low] = labels[a] > labels[b] ? [a, b] : [b, a];
        const delta = (Math.abs(rankGain(labels[a]) - rankGain(labels[b])) * Math.abs(1 / Math.log2(i + 2) - 1 / Math.log2(j + 2))) / ideal;
        const rho = 1 / (1 + Math.exp(sigma * (scores[high] - scores[low])));
        const lambda = sigma * rho * delta;
        const h = sigma * sigma * rho * (1 - rho) * delta;
        gradient[high] -= lambda;
        gradient[low] += lambda;
        hessian[high] += h;
        hessian[low] += h;
        lambdaSum += 2 * lambda;
      }
    }
    if (normalize && lambdaSum > 0) {
      const scale = Math.log2(1 + lambdaSum) / lambdaSum;
      for (let r = start; r < end; r++) {
        gradient[r] *= scale;
        hessian[r] *= scale;
      }
    }
  }
}

/** Mean nDCG@k over the queries that have a relevant row (grade > 0); the others are skipped, as trec_eval does. */
export function meanNdcg(scores: ArrayLike<number>, labels: ArrayLike<number>, offsets: ArrayLike<number>, k: number): number {
  let total = 0;
  let counted = 0;
  for (let q = 0; q + 1 < offsets.length; q++) {
    const value = queryNdcg(scores, labels, offsets[q], offsets[q + 1], k);
    if (value === undefined) continue;
    total += value;
    counted++;
  }
  return counted === 0 ? 0 : total / counted;
}

/** nDCG@k of one query's rows as ranked by `scores`; undefined when none is relevant. */
export function queryNdcg(scores: ArrayLike<number>, labels: ArrayLike<number>, start: number, end: number, k: number): number | undefined {
  const ideal = idealDcgOf(labels, start, end, k);
  if (ideal <= 0) return undefined;
  const order = rankRows(scores, start, end);
  let dcg = 0;
  for (let r = 0; r < Math.min(k, order.length); r++) dcg += rankGain(labels[order[r]]) / Math.log2(r + 2);
  return dcg / ideal;
}
