import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { mulberry32 } from '../../src/eval/prng.js';
import { retrievalMetricNames, scoreRunAtCutoffs, summarizeLatency, summarizeMetrics } from '../../src/eval/run-metrics.js';
import { compareWithBaseline, decideVerdict } from '../../src/eval/run-verdict.js';
import type { Qrels, Run } from '../../src/eval/types.js';

const FAST = { resamples: 2000, seed: 11 };

function rows(shift: number, n = 60, seed = 3) {
  const random = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const base = random() * 0.6;
    return { queryId: `q${i}`, metrics: { 'ndcg@10': Math.min(1, Math.max(0, base + shift + (random() - 0.5) * 0.05)) } };
  });
}

const baselineOf = (perQuery: ReturnType<typeof rows>, hash = 'sha256:x') => ({
  id: 'EXP-2025-01-01-001',
  dataset: { kind: 'beir' as const, path: 'd', hash },
  perQuery: perQuery.map((row) => ({ ...row, details: {} })),
});

describe('compareWithBaseline and the verdict rule', () => {
  it('promotes a planted improvement, archives a planted regression, iterates on no change', () => {
    const before = rows(0);
    const better = compareWithBaseline(baselineOf(before), 'sha256:x', rows(0.15), FAST);
    expect(better.metrics['ndcg@10'].meanDifference).toBeGreaterThan(0.1);
    expect(better.metrics['ndcg@10'].pValue).toBeLessThan(0.01);
    expect(decideVerdict(better, 'ndcg@10').verdict).toBe('promoted');

    const worse = compareWithBaseline(baselineOf(before), 'sha256:x', rows(-0.15), FAST);
    expect(decideVerdict(worse, 'ndcg@10').verdict).toBe('archived');
    expect(decideVerdict(worse, 'ndcg@10').reason).toMatch(/significantly worse: ndcg@10 -0\.1/);

    // Same underlying scores with different noise: no significant difference.
    const same = compareWithBaseline(baselineOf(before), 'sha256:x', rows(0, 60, 3).map((r, i) => ({ ...r, metrics: { 'ndcg@10': before[(i + 1) % 60].metrics['ndcg@10'] } })), FAST);
    expect(same.metrics['ndcg@10'].pValue).toBeGreaterThan(0.05);
    expect(decideVerdict(same, 'ndcg@10').verdict).toBe('iterate');
  });

  it('iterates without a baseline or without the primary metric', () => {
    expect(decideVerdict(undefined, 'ndcg@10')).toEqual({ verdict: 'iterate', reason: 'no baseline given: nothing to compare against' });
    const comparison = compareWithBaseline(baselineOf(rows(0)), 'sha256:x', rows(0.3), FAST);
    expect(decideVerdict(comparison, 'answer_accuracy').verdict).toBe('iterate');
  });

  it('pairs by query id, not position, and compares metrics only where both runs have them', () => {
    const before: Array<{ queryId: string; metrics: Record<string, number> }> = [
      { queryId: 'a', metrics: { m: 0.1, refusal: 1 } },
      { queryId: 'b', metrics: { m: 0.5 } },
      { queryId: 'c', metrics: { m: 0.9 } },
    ];
    const after: Array<{ queryId: string; metrics: Record<string, number> }> = [
      { queryId: 'c', metrics: { m: 1.0 } },
      { queryId: 'a', metrics: { m: 0.2, refusal: 0 } },
      { queryId: 'z', metrics: { m: 0.0 } },
    ];
    const comparison = compareWithBaseline({ ...baselineOf([]), perQuery: before.map((r) => ({ ...r, details: {} })) }, 'sha256:x', after, FAST);
    expect(comparison.queries).toBe(2);
    expect(comparison.metrics.m.meanDifference).toBeCloseTo(0.1, 12);
    expect(comparison.metrics.refusal.n).toBe(1);
    expect(comparison.metrics.refusal.meanDifference).toBe(-1);
  });

  it('refuses to pair runs over different datasets or with no shared queries', () => {
    expect(() => compareWithBaseline(baselineOf(rows(0), 'sha256:other'), 'sha256:x', rows(0), FAST)).toThrow(InputError);
    expect(() => compareWithBaseline(baselineOf(rows(0)), 'sha256:x', [{ queryId: 'nope', metrics: { 'ndcg@10': 1 } }], FAST)).toThrow(/shares no queries/);
  });
});

describe('run metrics at several cutoffs', () => {
  it('names every metric at 10 and k, plus recall@100', () => {
    expect(retrievalMetricNames(10)).toEqual(['ndcg@10', 'recall@10', 'precision@10', 'mrr@10', 'map@10', 'hit@10', 'recall@100']);
    const names = retrievalMetricNames(5);
    expect(names.slice(0, 6)).toEqual(['ndcg@5', 'recall@5', 'precision@5', 'mrr@5', 'map@5', 'hit@5']);
    expect(names).toContain('ndcg@10');
    expect(names[names.length - 1]).toBe('recall@100');
  });

  it('scores hand-computed values and counts Recall@100 beyond the top 10', () => {
    const qrels: Qrels = new Map([
      ['q1', new Map([['a', 2], ['z', 1]])],
      ['q2', new Map([['b', 0]])],
    ]);
    const ranking = [{ docId: 'a', score: 100 }, ...Array.from({ length: 20 }, (_, i) => ({ docId: `n${i}`, score: 50 - i })), { docId: 'z', score: 1 }];
    const run: Run = new Map([['q1', ranking]]);
    const scored = scoreRunAtCutoffs(run, qrels, 10);
    const q1 = scored.perQuery.get('q1')!;
    // ideal DCG@10 = 2 + 1/log2(3); DCG@10 = 2 (z is at rank 22).
    expect(q1['ndcg@10']).toBeCloseTo(2 / (2 + 1 / Math.log2(3)), 12);
    expect(q1['recall@10']).toBe(0.5);
    expect(q1['recall@100']).toBe(1);
    expect(q1['mrr@10']).toBe(1);
    expect(scored.counts).toEqual({ evaluated: 1, skippedNoRelevant: 1, missingFromRun: 0 });
  });

  it('summarizes only rows that carry a metric, and latency quantiles', () => {
    const summary = summarizeMetrics([{ metrics: { a: 1 } }, { metrics: { a: 0, b: 1 } }, { metrics: {} }], ['a', 'b', 'c'], FAST);
    expect(summary.a.mean).toBe(0.5);
    expect(summary.a.n).toBe(2);
    expect(summary.b).toMatchObject({ mean: 1, lower: 1, upper: 1, n: 1 });
    expect(summary.c).toBeUndefined();
    expect(summarizeLatency([10, 20, 30, 40, 50])).toEqual({ n: 5, meanMs: 30, p50Ms: 30, p95Ms: 48, maxMs: 50 });
  });
});
