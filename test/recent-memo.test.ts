import { describe, expect, it } from 'vitest';
import { recentMemo } from '../src/recent-memo.js';

describe('recentMemo', () => {
  it('computes a key once, keeps the most recently used and drops the least recently used past max', () => {
    const memo = recentMemo<number>(2);
    let computed = 0;
    const lengthOf = (key: string) => memo.get(key, () => (computed++, key.length));
    expect(lengthOf('a')).toBe(1);
    expect(lengthOf('bb')).toBe(2);
    expect(lengthOf('a')).toBe(1); // a hit: 'a' is now the most recent
    expect(computed).toBe(2);
    expect(lengthOf('ccc')).toBe(3); // drops 'bb', the least recently used
    expect(lengthOf('a')).toBe(1);
    expect(computed).toBe(3);
    expect(lengthOf('bb')).toBe(2);
    expect(computed).toBe(4);
    memo.clear();
    expect(lengthOf('a')).toBe(1);
    expect(computed).toBe(5);
    expect(() => recentMemo(0)).toThrow(/positive integer/);
  });

  it('keeps a value that is undefined as a value', () => {
    const memo = recentMemo<undefined>(1);
    let computed = 0;
    memo.get('x', () => void computed++);
    memo.get('x', () => void computed++);
    expect(computed).toBe(1);
  });
});
