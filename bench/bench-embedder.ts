import { mulberry32 } from '../src/random.js';
import type { Embedder } from '../src/models/types.js';

/**
 * A fast deterministic embedder for benchmarks of the storage layer (not of models): hashed bag of
 * words (FNV-1a) into `dimensions` buckets, L2-normalized, so similar texts are near each other.
 */
export function benchEmbedder(dimensions = 384): Embedder {
  const embed = (text: string): Float32Array => {
    const v = new Float32Array(dimensions);
    for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
      let h = 0x811c9dc5;
      for (let i = 0; i < word.length; i += 1) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
      v[(h >>> 0) % dimensions] += h & 0x100 ? 1 : -1;
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < dimensions; i += 1) v[i] /= norm;
    return v;
  };
  return {
    id: `bench:fnv-bow-${dimensions}`,
    revision: '1',
    dimensions,
    maxInputTokens: 100_000,
    maxBatchSize: 1024,
    async embedDocuments(texts) {
      return texts.map(embed);
    },
    async embedQuery(text) {
      return embed(text);
    },
  };
}

/** Percentile (nearest rank) of an unsorted list. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Seeded PRNG (mulberry32) for reproducible synthetic corpora. */
export const seededRandom = mulberry32;
