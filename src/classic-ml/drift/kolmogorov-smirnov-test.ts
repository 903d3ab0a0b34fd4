import { kolmogorovSurvival } from '../core/distributions.js';
import { requireSamples } from './reference-bins.js';

/**
 * Up to this many cells (n1 × n2) the p-value is exact (lattice-path count, as scipy's
 * method="exact"); above it the asymptotic Kolmogorov distribution with Stephens' (1970)
 * small-sample correction λ = (√en + 0.12 + 0.11/√en)·D, en = n1·n2/(n1+n2) (Numerical Recipes 14.3).
 */
export const KS_EXACT_CELL_LIMIT = 1_000_000;

/** Two-sample, two-sided Kolmogorov-Smirnov test. */
export function kolmogorovSmirnovTest(reference: readonly number[], current: readonly number[]): { statistic: number; pValue: number; exact: boolean } {
  requireSamples(reference, current);
  const a = Float64Array.from(reference).sort();
  const b = Float64Array.from(current).sort();
  const m = a.length;
  const n = b.length;
  // D·m·n as an integer: max |i·n − j·m| over the merged order, stepping past ties together.
  let i = 0;
  let j = 0;
  let maxGap = 0;
  while (i < m && j < n) {
    const v = Math.min(a[i], b[j]);
    while (i < m && a[i] === v) i++;
    while (j < n && b[j] === v) j++;
    maxGap = Math.max(maxGap, Math.abs(i * n - j * m));
  }
  const statistic = maxGap / (m * n);
  if (m * n <= KS_EXACT_CELL_LIMIT) return { statistic, pValue: exactPValue(m, n, maxGap), exact: true };
  const en = (m * n) / (m + n);
  const lambda = (Math.sqrt(en) + 0.12 + 0.11 / Math.sqrt(en)) * statistic;
  return { statistic, pValue: kolmogorovSurvival(lambda), exact: false };
}

/**
 * P(D ≥ observed) under H0: the share of monotone lattice paths from (0,0) to (m,n) that touch
 * |i·n − j·m| ≥ gap. reached[i][j] is the share of paths to (i,j) that already touched; a path's
 * last step comes from (i−1,j) with probability i/(i+j), so shares need no huge binomials.
 */
function exactPValue(m: number, n: number, gap: number): number {
  if (gap === 0) return 1;
  const row = new Float64Array(n + 1);
  for (let i = 0; i <= m; i++) {
    for (let j = 0; j <= n; j++) {
      if (Math.abs(i * n - j * m) >= gap) row[j] = 1;
      else if (i === 0 && j === 0) row[j] = 0;
      else if (i === 0) row[j] = row[j - 1];
      else if (j === 0) row[j] = row[j];
      else row[j] = (i / (i + j)) * row[j] + (j / (i + j)) * row[j - 1];
    }
  }
  return Math.min(1, row[n]);
}
