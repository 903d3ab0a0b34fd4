import { requireFiniteNumbers } from '../core/validate.js';

/** PSI and JS use 10 bins at the reference's deciles by default (the usual credit-scoring PSI setup). */
export const DEFAULT_DRIFT_BINS = 10;

/** Linear-interpolation quantile of sorted values (NumPy's default "linear" method). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

/**
 * Inner bin edges at the reference's quantiles k/bins (k = 1..bins-1), duplicates removed (heavy ties
 * give fewer bins). Bin i holds values v with edge[i-1] < v <= edge[i]; outer bins are open-ended.
 */
export function referenceEdges(reference: readonly number[], bins = DEFAULT_DRIFT_BINS): number[] {
  const sorted = Float64Array.from(reference).sort();
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const edge = quantileSorted(sorted, k / bins);
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
}

/** Index of the bin holding v: the number of edges strictly below v. */
export function binIndex(edges: readonly number[], v: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (edges[mid] < v) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Share of values in each bin defined by the edges. */
export function binShares(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) counts[binIndex(edges, v)]++;
  return counts.map((c) => c / values.length);
}

/** Validates a reference/current pair of numeric samples. */
export function requireSamples(reference: unknown, current: unknown, minLength = 1): { reference: number[]; current: number[] } {
  return { reference: requireFiniteNumbers(reference, 'reference', minLength), current: requireFiniteNumbers(current, 'current', minLength) };
}
