import type { Analyzer } from '../../src/search-index/analyzer.js';

/**
 * An independent in-memory Okapi BM25 (Lucene idf), written plainly from the formula, to check
 * the SQL implementation against.
 */
export function referenceBm25(docs: Array<{ id: string; text: string }>, analyzer: Analyzer, k1: number, b: number) {
  const tfs = docs.map((d) => {
    const counts = new Map<string, number>();
    const terms = analyzer.terms(d.text);
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
    return { id: d.id, counts, length: terms.length };
  });
  const n = tfs.length;
  const avgdl = tfs.reduce((s, d) => s + d.length, 0) / n;
  const df = new Map<string, number>();
  for (const d of tfs) for (const t of d.counts.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  return {
    search(query: string, limit: number): Array<{ id: string; score: number }> {
      const q = new Map<string, number>();
      for (const t of analyzer.terms(query)) q.set(t, (q.get(t) ?? 0) + 1);
      const out: Array<{ id: string; score: number }> = [];
      for (const d of tfs) {
        let score = 0;
        for (const [t, qtf] of q) {
          const tf = d.counts.get(t);
          if (!tf) continue;
          const dft = df.get(t)!;
          const idf = Math.log(1 + (n - dft + 0.5) / (dft + 0.5));
          score += qtf * idf * ((tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * d.length) / avgdl)));
        }
        if (score > 0) out.push({ id: d.id, score });
      }
      return out.sort((a, b2) => b2.score - a.score || (a.id < b2.id ? -1 : 1)).slice(0, limit);
    },
  };
}
