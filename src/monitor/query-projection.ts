import { createHash } from 'node:crypto';
import { mulberry32 } from '../random.js';

/**
 * Directions each query embedding is projected onto for drift. 16 reals (64 bytes) a row keep a
 * million rows at ~64 MB; each direction gets its own PSI and KS, and the centroid distance in the
 * projection is within ~sqrt(2/16) ≈ 35% (relative) of the full one (Johnson-Lindenstrauss).
 */
export const QUERY_PROJECTIONS = 16;

/** Directions per embedder identity: a few embedders per process at most (arms, plug-ins). */
const directionsByIdentity = new Map<string, Float64Array[]>();

/**
 * `count` random unit directions in `dimensions` dimensions, the same for the same embedder
 * identity in every process (seeded from the identity's SHA-256), so rows written by any server
 * or run compare: Gaussian coordinates (Box-Muller), normalized.
 */
export function projectionDirections(identity: string, dimensions: number, count = QUERY_PROJECTIONS): Float64Array[] {
  const key = `${identity}|${dimensions}|${count}`;
  const known = directionsByIdentity.get(key);
  if (known) return known;
  const random = mulberry32(createHash('sha256').update(key).digest().readUInt32LE(0));
  const directions = Array.from({ length: count }, () => {
    const direction = new Float64Array(dimensions);
    let norm = 0;
    for (let i = 0; i < dimensions; i++) {
      // Box-Muller: 1 - random() is in (0, 1], so the log is finite.
      const value = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      direction[i] = value;
      norm += value * value;
    }
    norm = Math.sqrt(norm);
    for (let i = 0; i < dimensions; i++) direction[i] /= norm;
    return direction;
  });
  directionsByIdentity.set(key, directions);
  return directions;
}

/**
 * The query embedding's coordinates along the identity's directions, after L2 normalization (the
 * Embedder contract already normalizes; a vector of norm 0 gives null). ~dimensions × 16
 * multiply-adds: ~10 µs for 768 dimensions.
 */
export function projectQueryEmbedding(identity: string, vector: ArrayLike<number>): number[] | null {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i] * vector[i];
  norm = Math.sqrt(norm);
  if (!(norm > 0) || !Number.isFinite(norm)) return null;
  return projectionDirections(identity, vector.length).map((direction) => {
    let dot = 0;
    for (let i = 0; i < vector.length; i++) dot += direction[i] * vector[i];
    return dot / norm;
  });
}
