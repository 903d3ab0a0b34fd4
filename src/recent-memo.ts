/**
 * Values computed from a key, kept for the `max` keys used most recently (a hit moves its key to the
 * end; past `max`, the least recently used is dropped). For pure computations over text that repeats
 * from call to call: chunks read for question after question, questions checked by every guard.
 * @example const lengths = recentMemo<number>(2); lengths.get('abc', () => 3) // 3, computed once
 */
export interface RecentMemo<V> {
  /** The value kept for `key`, or `compute()`'s, then kept. */
  get(key: string, compute: () => V): V;
  clear(): void;
}

export function recentMemo<V>(max: number): RecentMemo<V> {
  if (!Number.isInteger(max) || max < 1) throw new TypeError('max must be a positive integer');
  const kept = new Map<string, V>();
  return {
    get(key, compute) {
      if (kept.has(key)) {
        const value = kept.get(key) as V;
        kept.delete(key);
        kept.set(key, value);
        return value;
      }
      const value = compute();
      if (kept.size >= max) kept.delete(kept.keys().next().value!);
      kept.set(key, value);
      return value;
    },
    clear: () => kept.clear(),
  };
}
