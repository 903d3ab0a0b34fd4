import type { LegHit } from './retrieval-leg.js';

/**
 * A ranked list from one leg: ids best first, with the leg's raw score.
 * @deprecated Use LegHit (retrieval-leg.ts); kept as an alias for one minor version.
 */
export type LegResult = LegHit;

export interface FusedResult {
  chunkId: number;
  score: number;
}

/** One leg's hits with its weight, as fusion takes them. */
export interface WeightedLeg {
  hits: readonly LegHit[];
  weight: number;
}

/** How fuseLegs combines: `retrieve.fusion` and `retrieve.rrfK`. */
export interface FusionOptions {
  fusion: 'rrf' | 'weighted';
  rrfK: number;
}

/**
 * Fuses any number of legs' hit lists into one ranking: weighted reciprocal rank fusion or
 * weighted min-max fusion (below). One leg is returned as it is (nothing to fuse).
 */
export function fuseLegs(legs: readonly WeightedLeg[], options: FusionOptions): FusedResult[] {
  if (legs.length === 1) return [...legs[0].hits];
  const lists = legs.map((leg) => leg.hits);
  const weights = legs.map((leg) => leg.weight);
  return options.fusion === 'rrf' ? reciprocalRankFusion(lists, options.rrfK, weights) : weightedFusion(lists, weights);
}

/**
 * Reciprocal rank fusion (Cormack, Clarke and Buettcher, SIGIR 2009): score = sum over legs of
 * weight / (k + rank), rank starting at 1, weight 1 by default (the paper's unweighted form).
 * Ties break by chunk id for a stable order.
 */
export function reciprocalRankFusion(legs: ReadonlyArray<readonly LegHit[]>, k: number, weights?: readonly number[]): FusedResult[] {
  const scores = new Map<number, number>();
  legs.forEach((leg, i) => {
    const weight = weights?.[i] ?? 1;
    leg.forEach((item, index) => scores.set(item.chunkId, (scores.get(item.chunkId) ?? 0) + weight / (k + index + 1)));
  });
  return sortFused(scores);
}

/**
 * Weighted combination of min-max normalized scores per leg (a chunk missing from a leg gets 0
 * there). weights[i] multiplies leg i.
 */
export function weightedFusion(legs: ReadonlyArray<readonly LegHit[]>, weights: readonly number[]): FusedResult[] {
  if (weights.length !== legs.length) throw new TypeError(`weighted fusion: ${legs.length} legs but ${weights.length} weights`);
  const scores = new Map<number, number>();
  legs.forEach((leg, i) => {
    if (leg.length === 0) return;
    let min = Infinity;
    let max = -Infinity;
    for (const item of leg) {
      min = Math.min(min, item.score);
      max = Math.max(max, item.score);
    }
    const span = max - min;
    for (const item of leg) {
      const normalized = span > 0 ? (item.score - min) / span : 1;
      scores.set(item.chunkId, (scores.get(item.chunkId) ?? 0) + weights[i] * normalized);
    }
  });
  return sortFused(scores);
}

function sortFused(scores: Map<number, number>): FusedResult[] {
  return [...scores].map(([chunkId, score]) => ({ chunkId, score })).sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
}
