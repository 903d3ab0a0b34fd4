import { mulberry32 } from '../../random.js';

/** A seeded pseudo-random generator returning floats in [0, 1). */
export type Random = () => number;

/** A seeded generator (mulberry32, src/random.ts): every fit and interval is reproducible. */
export function createRandom(seed: number): Random {
  return mulberry32(seed);
}

/** A random integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** Fisher-Yates shuffle of 0..n-1 (a new array). */
export function shuffledIndices(random: Random, n: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const tmp = out[i];
    out[i] = out[j];
    out[j] = tmp;
  }
  return out;
}
