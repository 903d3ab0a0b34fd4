import type { DocumentAnalysis } from './document-analysis.js';

/**
 * A chunk's text terms in order, as stored in `chunks.term_order` (migrations/0016): one format
 * byte, then each position's index among the chunk's own terms (`chunks.terms`, chunkTerms' order):
 * format 1, one byte per position (fewer than 256 distinct terms); format 2, two bytes little-endian.
 * SciFact abstracts (about 150 analyzed terms) take about 150 bytes. The learned ranker reads it
 * instead of analyzing candidate texts (src/retrieve/ranker/candidate-analysis.ts).
 */
export const TERM_ORDER_NARROW = 1;
export const TERM_ORDER_WIDE = 2;

/** A chunk's term order as stored, from its positions' indexes into its own terms; null past 65,536 distinct terms. */
export function encodeTermIndexes(indexes: ArrayLike<number>): Buffer | null {
  let widest = 0;
  for (let i = 0; i < indexes.length; i++) if (indexes[i] > widest) widest = indexes[i];
  if (widest > 0xffff) return null;
  const wide = widest > 0xff;
  const out = Buffer.allocUnsafe(1 + indexes.length * (wide ? 2 : 1));
  out[0] = wide ? TERM_ORDER_WIDE : TERM_ORDER_NARROW;
  for (let i = 0, at = 1; i < indexes.length; i++) {
    if (wide) {
      out.writeUInt16LE(indexes[i], at);
      at += 2;
    } else out[at++] = indexes[i];
  }
  return out;
}

/** Chunk `chunk`'s term order as stored, or null when the analysis holds none (counts only) or a chunk has more than 65,536 distinct terms. */
export function encodeTermOrder(analysis: DocumentAnalysis, chunk: number): Buffer | null {
  if (!analysis.ordered[chunk]) return null;
  return encodeTermIndexes(analysis.order.subarray(analysis.orderOffsets[chunk], analysis.orderOffsets[chunk + 1]));
}

/**
 * The stored order's indexes (into the chunk's own terms), checked against `distinctCount`; throws on
 * a malformed value (unknown format, odd length, an index past the terms) rather than return wrong
 * terms. Callers map the distinct terms once (stored-terms.ts, candidate-analysis.ts).
 */
export function termOrderIndexes(distinctCount: number, stored: Uint8Array): Int32Array {
  const format = stored[0];
  if (format !== TERM_ORDER_NARROW && format !== TERM_ORDER_WIDE) throw new Error(`term order: unknown format ${format}`);
  const width = format === TERM_ORDER_WIDE ? 2 : 1;
  if ((stored.length - 1) % width !== 0) throw new Error(`term order: ${stored.length - 1} bytes is not a whole number of ${width}-byte indexes`);
  const out = new Int32Array((stored.length - 1) / width);
  for (let at = 1, i = 0; at < stored.length; at += width, i++) {
    const index = width === 2 ? stored[at] | (stored[at + 1] << 8) : stored[at];
    if (index >= distinctCount) throw new Error(`term order: index ${index} past the chunk's ${distinctCount} terms`);
    out[i] = index;
  }
  return out;
}
