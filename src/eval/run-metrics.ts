import { bootstrapCI, quantile, type MeanWithCI, type ResamplingOptions } from './bootstrap-ci.js';
import { IR_METRICS } from './ir-metrics.js';
import { metricKey, scoreRun, type MissingQueryPolicy } from './score-run.js';
import type { LatencySummary } from './run-eval-types.js';
import type { Qrels, Run } from './types.js';

/** BEIR's headline cutoff: nDCG@10 and MRR@10 are reported at 10 whatever `--k` is. */
export const HEADLINE_CUTOFF = 10;
/** BEIR reports Recall@100 beside nDCG@10 (Thakur et al. 2021); eval runs retrieve at least this many. */
export const RECALL_CUTOFF = 100;

/** The retrieval metric names an eval run reports for cutoff k: every metric at 10 and at k, plus recall@100. */
export function retrievalMetricNames(k: number): string[] {
  const names: string[] = [];
  for (const cutoff of [...new Set([HEADLINE_CUTOFF, k])].sort((a, b) => a - b)) {
    for (const name of IR_METRICS) names.push(metricKey(name, cutoff));
  }
  names.push(metricKey('recall', RECALL_CUTOFF));
  return [...new Set(names)];
}

/** Per-query retrieval metrics at every reported cutoff, with scoreRun's counts. */
export interface CutoffScores {
  /** Query id -> metric -> value, for judged queries with relevant documents. */
  perQuery: Map<string, Record<string, number>>;
  counts: { evaluated: number; skippedNoRelevant: number; missingFromRun: number };
}

/**
 * Scores a run at 10, k and 100 (trec_eval definitions, see `scoreRun`) and keeps the metrics
 * `retrievalMetricNames(k)` lists, merged into one row per query.
 */
export function scoreRunAtCutoffs(run: Run, qrels: Qrels, k: number, missingQueries: MissingQueryPolicy = 'zero'): CutoffScores {
  const wanted = new Set(retrievalMetricNames(k));
  const perQuery = new Map<string, Record<string, number>>();
  let counts: CutoffScores['counts'] = { evaluated: 0, skippedNoRelevant: 0, missingFromRun: 0 };
  for (const cutoff of [...new Set([HEADLINE_CUTOFF, k, RECALL_CUTOFF])]) {
    const scored = scoreRun(run, qrels, { k: cutoff, missingQueries });
    counts = { evaluated: scored.counts.evaluated, skippedNoRelevant: scored.counts.skippedNoRelevant, missingFromRun: scored.counts.missingFromRun };
    for (const row of scored.perQuery) {
      const merged = perQuery.get(row.queryId) ?? {};
      for (const [name, value] of Object.entries(row.metrics)) if (wanted.has(name)) merged[name] = value;
      perQuery.set(row.queryId, merged);
    }
  }
  return { perQuery, counts };
}

/**
 * Mean and seeded bootstrap interval of each named metric over the rows that have it; a metric no
 * row has is left out (e.g. refusal accuracy on a set without unanswerable questions).
 */
export function summarizeMetrics(
  rows: ReadonlyArray<{ metrics: Record<string, number> }>,
  names: readonly string[],
  resampling: ResamplingOptions = {},
): Record<string, MeanWithCI> {
  const out: Record<string, MeanWithCI> = {};
  for (const name of names) {
    const values = rows.map((row) => row.metrics[name]).filter((value): value is number => typeof value === 'number');
    if (values.length > 0) out[name] = bootstrapCI(values, resampling);
  }
  return out;
}

/** p50/p95 (type-7 quantiles), mean and max of per-query latencies. */
export function summarizeLatency(latenciesMs: readonly number[]): LatencySummary {
  if (latenciesMs.length === 0) return { n: 0, meanMs: 0, p50Ms: 0, p95Ms: 0, maxMs: 0 };
  const sorted = Float64Array.from(latenciesMs).sort();
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    n: sorted.length,
    meanMs: round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length),
    p50Ms: round(quantile(sorted, 0.5)),
    p95Ms: round(quantile(sorted, 0.95)),
    maxMs: round(sorted[sorted.length - 1]),
  };
}

/** Per-query cost summary in US dollars, from the cost ledger (see runGoldenEval). */
export interface CostSummary {
  n: number;
  totalUsd: number;
  /** Mean cost per query. */
  meanUsd: number;
  p50Usd: number;
  p95Usd: number;
  maxUsd: number;
}

/** Mean, p50/p95 (type-7 quantiles), max and total of per-query costs; unrounded (costs are tiny). */
export function summarizeCost(costsUsd: readonly number[]): CostSummary {
  if (costsUsd.length === 0) return { n: 0, totalUsd: 0, meanUsd: 0, p50Usd: 0, p95Usd: 0, maxUsd: 0 };
  const sorted = Float64Array.from(costsUsd).sort();
  const totalUsd = sorted.reduce((sum, value) => sum + value, 0);
  return {
    n: sorted.length,
    totalUsd,
    meanUsd: totalUsd / sorted.length,
    p50Usd: quantile(sorted, 0.5),
    p95Usd: quantile(sorted, 0.95),
    maxUsd: sorted[sorted.length - 1],
  };
}
