import { describe, expect, it } from 'vitest';
import { digitList, jsonArrayBuffer } from '../../src/db/bytea-lists.js';
import { mulberry32 } from '../../src/random.js';

// Posting arrays travel to PostgreSQL as comma-separated digits written into a buffer.
describe('digitList', () => {
  it('writes what join(",") would, at every digit count', () => {
    const random = mulberry32(3);
    const values = [0, 9, 10, 99, 100, 999, 1000, Number.MAX_SAFE_INTEGER, 1e15, 1e15 - 1];
    for (let i = 0; i < 2000; i += 1) values.push(Math.floor(random() * 2 ** (random() * 53)));
    expect(digitList(values).toString('latin1')).toBe(values.join(','));
    expect(digitList(new Int32Array([5, 42])).toString('latin1')).toBe('5,42');
    expect(digitList([]).length).toBe(0);
  });

  it('refuses what is not a non-negative integer', () => {
    expect(() => digitList([1, -2])).toThrow(/-2/);
    expect(() => digitList([1.5])).toThrow(/1.5/);
  });
});

// Chunk rows travel as JSON bytes rendered a few rows at a time.
describe('jsonArrayBuffer', () => {
  it('is the UTF-8 of JSON.stringify(rows), across piece boundaries and for non-ASCII text', () => {
    const random = mulberry32(5);
    const rows = Array.from({ length: 400 }, (_, i) => ({ ordinal: i, text: `Résumé 中文 😀 "${'x'.repeat(Math.floor(random() * 300))}"\n`, terms: ['a', 'é'], page: i % 3 ? null : i }));
    expect(jsonArrayBuffer(rows).toString('utf8')).toBe(JSON.stringify(rows));
    expect(JSON.parse(jsonArrayBuffer(rows).toString('utf8'))).toEqual(rows);
    expect(jsonArrayBuffer([]).toString('utf8')).toBe('[]');
  });
});
