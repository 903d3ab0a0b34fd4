import { describe, expect, it } from 'vitest';
import { chunksToDocumentRanking } from '../../src/eval/chunks-to-document-ranking.js';
import { irMetricsAtK } from '../../src/eval/ir-metrics.js';
import { scoreRun } from '../../src/eval/score-run.js';
import type { Qrels, Run } from '../../src/eval/types.js';

const judged = new Map([
  ['d1', 2],
  ['d2', 0],
  ['d3', 1],
  ['d5', 1],
]);
const ranking = [
  { docId: 'd1', score: 3 },
  { docId: 'd2', score: 2 },
  { docId: 'd3', score: 1 },
  { docId: 'd4', score: 0.5 },
];
// Ideal DCG@3 from all judged relevant docs, grades [2, 1, 1]: 2/log2(2) + 1/log2(3) + 1/log2(4).
const IDEAL = 2 + 1 / Math.log2(3) + 0.5;

describe('irMetricsAtK (hand-computed)', () => {
  it('graded relevance at k=3', () => {
    const m = irMetricsAtK(ranking, judged, 3);
    expect(m.ndcg).toBeCloseTo(2.5 / IDEAL, 10); // DCG = 2/1 + 0 + 1/log2(4) = 2.5
    expect(m.ndcg).toBeCloseTo(0.798485, 5);
    expect(m.recall).toBeCloseTo(2 / 3, 10);
    expect(m.precision).toBeCloseTo(2 / 3, 10);
    expect(m.mrr).toBe(1);
    expect(m.map).toBeCloseTo((1 / 1 + 2 / 3) / 3, 10); // divided by all 3 relevant, d5 never retrieved
    expect(m.hit).toBe(1);
  });

  it('k larger than the list: precision keeps k as denominator, ideal uses all relevant', () => {
    const m = irMetricsAtK(ranking, judged, 10);
    expect(m.precision).toBeCloseTo(2 / 10, 10);
    expect(m.ndcg).toBeCloseTo(2.5 / IDEAL, 10);
    expect(m.recall).toBeCloseTo(2 / 3, 10);
  });

  it('k=1 cuts before the later relevant documents', () => {
    const m = irMetricsAtK(ranking, judged, 1);
    expect(m.ndcg).toBeCloseTo(1, 10); // ideal@1 = 2, DCG@1 = 2
    expect(m.recall).toBeCloseTo(1 / 3, 10);
    expect(m.map).toBeCloseTo(1 / 3, 10);
  });

  it('first relevant at rank 2 and nothing relevant', () => {
    const m = irMetricsAtK([{ docId: 'x', score: 2 }, { docId: 'd3', score: 1 }], judged, 5);
    expect(m.mrr).toBe(0.5);
    expect(m.ndcg).toBeCloseTo(1 / Math.log2(3) / IDEAL, 10);
    const none = irMetricsAtK([{ docId: 'x', score: 1 }], judged, 5);
    expect(none).toEqual({ ndcg: 0, recall: 0, precision: 0, mrr: 0, map: 0, hit: 0 });
  });

  it('rejects bad k and queries with no relevant documents', () => {
    expect(() => irMetricsAtK(ranking, judged, 0)).toThrow(/k: must be a positive integer/);
    expect(() => irMetricsAtK(ranking, new Map([['d1', 0]]), 3)).toThrow(/no relevant documents/);
  });
});

describe('scoreRun', () => {
  const run: Run = new Map([
    ['q1', ranking],
    // Tie: trec_eval orders equal scores by docid descending, so dB (irrelevant) ranks above dA.
    ['q2', [{ docId: 'dA', score: 1 }, { docId: 'dB', score: 1 }, { docId: 'dC', score: 0.5 }]],
    ['q3', [{ docId: 'dX', score: 1 }]],
    ['q5', [{ docId: 'dZ', score: 1 }]],
  ]);
  const qrels: Qrels = new Map([
    ['q1', judged],
    ['q2', new Map([['dA', 1]])],
    ['q3', new Map([['dX', 0]])], // no relevant documents: skipped like trec_eval
    ['q4', new Map([['dY', 1]])], // judged but not in the run
  ]);

  it('scores per query with trec_eval tie-breaking, skips no-relevant queries and counts everything', () => {
    const result = scoreRun(run, qrels, { k: 3 });
    expect(result.counts).toEqual({ evaluated: 3, skippedNoRelevant: 1, missingFromRun: 1, notInQrels: 1 });
    const q2 = result.perQuery.find((row) => row.queryId === 'q2')!;
    expect(q2.metrics['mrr@3']).toBe(0.5);
    expect(q2.metrics['precision@3']).toBeCloseTo(1 / 3, 10);
    expect(q2.metrics['ndcg@3']).toBeCloseTo(1 / Math.log2(3), 10);
    const q4 = result.perQuery.find((row) => row.queryId === 'q4')!;
    expect(Object.values(q4.metrics).every((value) => value === 0)).toBe(true);
    expect(result.means['mrr@3']).toBeCloseTo((1 + 0.5 + 0) / 3, 10);
    expect(result.means['recall@3']).toBeCloseTo((2 / 3 + 1 + 0) / 3, 10);
  });

  it("missingQueries 'skip' leaves judged-but-unretrieved queries out of the mean", () => {
    const result = scoreRun(run, qrels, { k: 3, missingQueries: 'skip' });
    expect(result.counts.evaluated).toBe(2);
    expect(result.means['mrr@3']).toBeCloseTo(0.75, 10);
  });
});

describe('chunksToDocumentRanking', () => {
  it('scores a document by its best chunk and orders by that score', () => {
    const docs = chunksToDocumentRanking([
      { externalId: 'a.md', score: 0.9 },
      { externalId: 'b.md', score: 0.8 },
      { externalId: 'a.md', score: 0.95 },
      { externalId: 'c.md', score: 0.8 },
      { externalId: 'b.md', score: 0.1 },
    ]);
    expect(docs).toEqual([
      { docId: 'a.md', score: 0.95 },
      { docId: 'b.md', score: 0.8 },
      { docId: 'c.md', score: 0.8 },
    ]);
    expect(chunksToDocumentRanking([{ externalId: 'x', score: 1 }, { externalId: 'y', score: 0.5 }], { k: 1 })).toHaveLength(1);
  });
});
