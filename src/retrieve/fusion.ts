/** A ranked list from one leg: ids best first, with the leg's raw score. */
export interface LegResult {
  chunkId: number;
  score: number;
}

export interface FusedResult {
  chunkId: number;
  score: number;
}

/**
 * Reciprocal rank fusion (Cormack, Clarke and Buettcher, SIGIR 2009): score = sum over legs of
 * 1 / (k + rank), rank starting at 1. Ties break by chunk id for a stable order.
 */
export function reciprocalRankFusion(legs: LegResult[][], k: number): FusedResult[] {
  const scores = new Map<number, number>();
  for (const leg of legs) {
    leg.forEach((item, index) => scores.set(item.chunkId, (scores.get(item.chunkId) ?? 0) + 1 / (k + index + 1)));
  }
  return sortFused(scores);
}

/**
 * Weighted combination of min-max normalized scores per leg (a chunk missing from a leg gets 0
 * there). weights[i] multiplies leg i.
 */
export function weightedFusion(legs: LegResult[][], weights: number[]): FusedResult[] {
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
