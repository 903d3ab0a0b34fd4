/**
 * Lucene's BM25 idf: log(1 + (N - df + 0.5) / (df + 0.5)), never negative (unlike the original
 * Robertson-Sparck Jones form). The SQL and posting-cache paths of the sparse leg both score with it.
 */
export function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}
