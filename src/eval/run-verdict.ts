import { InputError } from '../errors.js';
import type { ResamplingOptions } from './bootstrap-ci.js';
import { DEFAULT_CONFIDENCE } from './bootstrap-ci.js';
import type { ExperimentRecord, Verdict } from './experiment-record.js';
import { pairedTest, type PairedTestResult } from './paired-test.js';

/** A new run's paired comparison with a stored baseline. */
export interface BaselineComparison {
  baselineId: string;
  /** Queries both runs scored (paired on query id). */
  queries: number;
  /** B = this run, A = the baseline: meanDifference > 0 means this run scores higher. */
  metrics: Record<string, PairedTestResult>;
}

/**
 * Pairs this run's per-query metrics with a stored baseline's by query id and runs the paired
 * test (bootstrap CI of the difference, sign-flip p-value) for every metric both have on every
 * shared query. The datasets must have the same content hash: otherwise the queries differ.
 */
export function compareWithBaseline(
  baseline: Pick<ExperimentRecord, 'id' | 'dataset' | 'perQuery'>,
  datasetHash: string,
  rows: ReadonlyArray<{ queryId: string; metrics: Record<string, number> }>,
  resampling: ResamplingOptions = {},
): BaselineComparison {
  if (baseline.dataset.hash !== datasetHash) {
    throw new InputError('baseline', `${baseline.id} ran on another dataset (${baseline.dataset.hash}, this run ${datasetHash}); a paired comparison needs the same queries`);
  }
  const before = new Map(baseline.perQuery.map((row) => [row.queryId, row.metrics]));
  const shared = rows.filter((row) => before.has(row.queryId));
  if (shared.length === 0) throw new InputError('baseline', `${baseline.id} shares no queries with this run`);
  const names = new Set<string>();
  for (const row of shared) for (const name of Object.keys(row.metrics)) names.add(name);
  const metrics: Record<string, PairedTestResult> = {};
  for (const name of names) {
    const pairs = shared
      .map((row) => [before.get(row.queryId)![name], row.metrics[name]] as const)
      .filter(([a, b]) => typeof a === 'number' && typeof b === 'number');
    // Only metrics recorded by both runs on some query; answer metrics exist on subsets of queries.
    if (pairs.length === 0) continue;
    metrics[name] = pairedTest(pairs.map(([a]) => a), pairs.map(([, b]) => b), resampling);
  }
  return { baselineId: baseline.id, queries: shared.length, metrics };
}

/** The verdict with the sentence that explains it. */
export interface VerdictDecision {
  verdict: Verdict;
  reason: string;
}

/**
 * The verdict rule, on the primary metric only (higher is better):
 * - no baseline: `iterate` (nothing to judge against);
 * - p < 1 - confidence (0.05 by default) and the mean difference > 0: `promoted`;
 * - p < 1 - confidence and the mean difference < 0: `archived`;
 * - otherwise (not significant, or the primary metric missing from the comparison): `iterate`.
 */
export function decideVerdict(comparison: BaselineComparison | undefined, primaryMetric: string, confidence = DEFAULT_CONFIDENCE): VerdictDecision {
  if (comparison === undefined) return { verdict: 'iterate', reason: 'no baseline given: nothing to compare against' };
  const test = comparison.metrics[primaryMetric];
  if (test === undefined) return { verdict: 'iterate', reason: `the baseline ${comparison.baselineId} has no ${primaryMetric} to compare` };
  const alpha = 1 - confidence;
  const summary = `${primaryMetric} ${test.meanDifference >= 0 ? '+' : ''}${test.meanDifference.toFixed(4)} vs ${comparison.baselineId} (p = ${test.pValue.toFixed(4)}, ${Math.round(confidence * 100)}% CI [${test.lower.toFixed(4)}, ${test.upper.toFixed(4)}], n = ${test.n})`;
  if (test.pValue < alpha && test.meanDifference > 0) return { verdict: 'promoted', reason: `significant improvement: ${summary}` };
  if (test.pValue < alpha && test.meanDifference < 0) return { verdict: 'archived', reason: `significantly worse: ${summary}` };
  return { verdict: 'iterate', reason: `no significant difference at alpha ${alpha.toFixed(2)}: ${summary}` };
}
