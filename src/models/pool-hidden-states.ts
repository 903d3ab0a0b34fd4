/** Pooling of an encoder's last_hidden_state into sentence vectors (mean over real tokens, or CLS), L2-normalized. */

/** Pools one row of last_hidden_state [batch, seq, hidden] and L2-normalizes the result. */
export function poolRow(hidden: Float32Array, row: number, seqLength: number, width: number, tokens: number, pooling: 'mean' | 'cls'): Float32Array {
  const out = new Float32Array(width);
  const base = row * seqLength * width;
  if (pooling === 'cls') {
    out.set(hidden.subarray(base, base + width));
  } else {
    // Sum in float64 then divide: mean over the real (unpadded) tokens only.
    const sums = new Float64Array(width);
    for (let t = 0; t < tokens; t++) {
      const offset = base + t * width;
      for (let d = 0; d < width; d++) sums[d]! += hidden[offset + d]!;
    }
    for (let d = 0; d < width; d++) out[d] = sums[d]! / tokens;
  }
  let norm = 0;
  for (const value of out) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < width; d++) out[d]! /= norm;
  return out;
}
