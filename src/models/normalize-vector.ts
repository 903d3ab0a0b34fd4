/** L2 normalization for vectors from providers that do not guarantee unit length. */

/** Returns a unit-length Float32Array copy of `values` (a zero vector stays zero). */
export function l2Normalize(values: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(values as ArrayLike<number>);
  let norm = 0;
  for (const value of out) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}
