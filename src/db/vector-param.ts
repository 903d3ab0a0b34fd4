import type { Db } from './types.js';

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
