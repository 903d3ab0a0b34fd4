import type { Db } from './types.js';

/** pgvector's HNSW indexes `vector` up to 2,000 dimensions and `halfvec` up to 4,000. */
export const HNSW_MAX_VECTOR_DIMENSIONS = 2000;
export const HNSW_MAX_HALFVEC_DIMENSIONS = 4000;

/**
 * The vector type of an HNSW index (and of the ordering that must match it) on a driver. On a
 * PostgreSQL server, half-precision copies: half the size of a float index (112 MB instead of
 * 195 MB at 100k 384-dim cache entries), so the graph pages a search walks stay in shared buffers;
 * callers re-score the index's candidates at full precision. PGlite keeps floats: its WebAssembly
 * build converts half floats in software, which made inserts into a halfvec index 6-8x slower
 * (cache: 92 against 15 ms an insert at 1,500 384-dim entries; retrieval likewise), unless the
 * vector is too long for a float index.
 */
export function indexVectorType(dimensions: number, kind: Db['kind']): 'vector' | 'halfvec' {
  return kind === 'postgres' || dimensions > HNSW_MAX_VECTOR_DIMENSIONS ? 'halfvec' : 'vector';
}

/** pgvector's text form of a vector: `[0.1,0.2,0.3]`. */
export function vectorLiteral(vector: ArrayLike<number>): string {
  return `[${Array.from(vector).join(',')}]`;
}

/**
 * pgvector's binary form of a vector (what its `vector_recv` reads): int16 dimensions, int16
 * unused, then each element as a float4, all in network byte order. Elements are stored as float4
 * either way, so the text and binary forms of a Float32Array give the same vector.
 */
export function vectorBinary(vector: ArrayLike<number>): Buffer {
  if (vector.length > 0xffff) throw new RangeError(`a vector of ${vector.length} elements has no pgvector binary form`);
  const out = Buffer.allocUnsafe(4 + vector.length * 4);
  out.writeUInt16BE(vector.length, 0);
  out.writeUInt16BE(0, 2);
  for (let i = 0; i < vector.length; i += 1) out.writeFloatBE(vector[i], 4 + i * 4);
  return out;
}

/**
 * A vector as the value of a `$n::vector(<dims>)` placeholder. node-postgres sends a Buffer in
 * binary format: 1.5 KB for 384 dimensions instead of ~8 KB of decimals, and no number formatting
 * (~90 µs) here or parsing on the server. The placeholder's type must resolve to `vector` (cast it
 * where it first appears): the server reads binary parameters with that type's receive function.
 * PGlite serializes every parameter as text, so it gets the literal.
 */
export function vectorParam(kind: Db['kind'], vector: ArrayLike<number>): string | Buffer {
  return kind === 'postgres' ? vectorBinary(vector) : vectorLiteral(vector);
}
