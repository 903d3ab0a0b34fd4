import { createHash } from 'node:crypto';
import type { Embedder } from '../../src/models/types.js';

/**
 * A deterministic test embedder: hashed bag of lowercase words into `dimensions` buckets, L2
 * normalized. Texts sharing words get a high cosine. Records every call.
 */
export function hashedEmbedder(options: { dimensions?: number; id?: string; revision?: string } = {}): Embedder & { calls: string[][] } {
  const dimensions = options.dimensions ?? 64;
  const calls: string[][] = [];
  const embed = (text: string): Float32Array => {
    const v = new Float32Array(dimensions);
    for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
      const h = createHash('md5').update(word).digest();
      v[h.readUInt32LE(0) % dimensions] += h[4] & 1 ? 1 : -1;
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm) || 1;
    return v.map((x) => x / norm);
  };
  return {
    id: options.id ?? 'test:hashed-bow',
    revision: options.revision ?? '1',
    dimensions,
    maxInputTokens: 512,
    maxBatchSize: 64,
    calls,
    async embedDocuments(texts, options = {}) {
      calls.push(texts);
      const out: Float32Array[] = [];
      // Batches of maxBatchSize with a turn of the event loop between them, checking the signal
      // before each, as the real embedders do (the Embedder contract suite runs over this one too).
      for (let start = 0; start < texts.length; start += 64) {
        if (start > 0) await new Promise((resolve) => setImmediate(resolve));
        options.signal?.throwIfAborted();
        out.push(...texts.slice(start, start + 64).map(embed));
      }
      return out;
    },
    async embedQuery(text, options = {}) {
      options.signal?.throwIfAborted();
      calls.push([text]);
      return embed(text);
    },
  };
}
