import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashJson } from '../../src/ingest/stable-hash.js';

/** The rendering content hashes were defined by (and are stored with): built as one string. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${reference((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** xorshift32 */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
    return state / 2 ** 32;
  };
}

const ALPHABET = ['a', 'Z', ' ', '\n', '"', '\\', '\u0001', 'é', '中', '\u2028', '😀', '\ud83d', '\ude00', '\t'];

function randomText(next: () => number, length: number): string {
  let text = '';
  while (text.length < length) text += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return text;
}

function randomValue(next: () => number, depth: number): unknown {
  const kind = Math.floor(next() * (depth > 2 ? 6 : 9));
  switch (kind) {
    case 0: return null;
    case 1: return next() < 0.5;
    case 2: return Math.round(next() * 1e6) / 100;
    case 3: return randomText(next, Math.floor(next() * 40));
    case 4: return randomText(next, 8000 + Math.floor(next() * 20000)); // longer than a piece
    case 5: return undefined;
    case 6: return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    case 7: return new Date(1_700_000_000_000);
    default: return Object.fromEntries(Array.from({ length: Math.floor(next() * 5) }, (_, i) => [randomText(next, 3) + i, randomValue(next, depth + 1)]));
  }
}

describe('hashJson', () => {
  it('hashes exactly the bytes of the whole stable rendering, long strings and surrogate pairs included', () => {
    const next = random(7);
    for (let i = 0; i < 200; i += 1) {
      const value = { text: randomText(next, Math.floor(next() * 60000)), title: randomValue(next, 1), metadata: randomValue(next, 0), sections: [randomValue(next, 1)] };
      expect(hashJson(value)).toBe(sha(reference(value)));
    }
  });

  it('does not split a surrogate pair at a piece boundary', () => {
    for (const offset of [8190, 8191, 8192, 8193, 16383, 16384]) {
      const text = `${'x'.repeat(offset)}😀${'y'.repeat(9000)}\ud800 lone`;
      expect(hashJson({ text })).toBe(sha(reference({ text })));
    }
    // A lone high surrogate at the boundary, then a pair: the pair must stay whole.
    const text = `${'a'.repeat(8191)}\ud83d\ud83d\ude00`;
    expect(hashJson(text)).toBe(sha(JSON.stringify(text)));
  });

  it('sorts keys and renders undefined and functions as null, as stored hashes were computed', () => {
    expect(hashJson({ b: 1, a: [undefined, () => 1], c: undefined })).toBe(sha('{"a":[null,null],"b":1,"c":null}'));
  });
});
