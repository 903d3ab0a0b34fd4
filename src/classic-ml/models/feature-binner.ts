import { createRandom, shuffledIndices } from '../core/random.js';

/** At most 255 bins per feature so a bin fits a byte (scikit-learn HistGradientBoosting's max_bins). */
export const MAX_BINS = 255;
/** Bin edges are computed from at most this many rows (scikit-learn subsamples 200k as well). */
export const BINNING_SAMPLE = 200_000;

/**
 * Per-feature bin edges, strictly increasing: midpoints between distinct values when there are few,
 * otherwise quantiles. A value v falls in bin b = number of edges < v, so bin ≤ b ⇔ v ≤ edges[b].
 */
export function featureEdges(X: number[][], feature: number, seed: number): number[] {
  const n = X.length;
  const rows = n <= BINNING_SAMPLE ? null : shuffledIndices(createRandom(seed + feature), n).slice(0, BINNING_SAMPLE);
  const sample = rows ? Float64Array.from(rows, (i) => X[i][feature]) : Float64Array.from(X, (row) => row[feature]);
  sample.sort();
  const distinct: number[] = [];
  for (const v of sample) if (distinct.length === 0 || v !== distinct[distinct.length - 1]) distinct.push(v);
  if (distinct.length <= MAX_BINS) {
    return distinct.slice(1).map((v, i) => (distinct[i] + v) / 2);
  }
  const edges: number[] = [];
  for (let k = 1; k < MAX_BINS; k++) {
    const position = (k / MAX_BINS) * (sample.length - 1);
    const low = Math.floor(position);
    const edge = sample[low] + (sample[Math.min(sample.length - 1, low + 1)] - sample[low]) * (position - low);
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
}

/** Bins every feature: returns column-major bytes (binned[j * n + i]) and the edges per feature. */
export function binFeatures(X: number[][], seed: number): { binned: Uint8Array; edges: number[][] } {
  const n = X.length;
  const d = X[0].length;
  const binned = new Uint8Array(n * d);
  const edges: number[][] = [];
  for (let j = 0; j < d; j++) {
    const e = featureEdges(X, j, seed);
    edges.push(e);
    const offset = j * n;
    for (let i = 0; i < n; i++) {
      const v = X[i][j];
      let low = 0;
      let high = e.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (e[mid] < v) low = mid + 1;
        else high = mid;
      }
      binned[offset + i] = low;
    }
  }
  return { binned, edges };
}
