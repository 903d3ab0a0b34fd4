import { InputError } from '../errors.js';
import { IR_METRICS, countRelevant, irMetricsAtK } from './ir-metrics.js';
import { compareTrecEval } from './trec-run.js';
import type { QueryMetrics, Qrels, Run } from './types.js';

/** How to treat a judged query (with relevant documents) that the run has no results for. */
export type MissingQueryPolicy = 'zero' | 'skip';

export interface ScoreRunOptions {
  /** Cutoff for every metric. */
  k: number;
  /**
   * 'zero' (default) scores a judged query absent from the run as 0 on every metric, like
   * `trec_eval -c`; 'skip' leaves it out, like plain trec_eval. Either way it is counted.
   */
  missingQueries?: MissingQueryPolicy;
}

export interface ScoreRunResult {
  k: number;
  /** Mean of each metric (`ndcg@10`, ...) over the evaluated queries; 0 when none were evaluated. */
  means: Record<string, number>;
  /** Per-query values, in qrels order. */
  perQuery: QueryMetrics[];
  counts: {
    /** Queries whose metrics are in `perQuery` and the means. */
    evaluated: number;
    /** Judged queries with no document of grade >= 1: skipped, as trec_eval does (metrics undefined). */
    skippedNoRelevant: number;
    /** Judged queries (with relevant documents) that the run has no results for. */
    missingFromRun: number;
    /** Run queries without any judgments: ignored. */
    notInQrels: number;
  };
}

/** Metric key for a name and cutoff, e.g. `ndcg@10`. */
export function metricKey(name: string, k: number): string {
  return `${name}@${k}`;
}

/**
 * Scores a run against qrels like trec_eval: each query's documents are ranked by score
 * (descending, ties by document id descending), then nDCG, Recall, Precision, MRR, MAP and hit rate
 * at k are computed per query and averaged. See `irMetricsAtK` for the definitions.
 */
export function scoreRun(run: Run, qrels: Qrels, options: ScoreRunOptions): ScoreRunResult {
  const { k } = options;
  if (!Number.isInteger(k) || k < 1) throw new InputError('k', `must be a positive integer, got ${k}`);
  const policy = options.missingQueries ?? 'zero';
  const perQuery: QueryMetrics[] = [];
  const counts = { evaluated: 0, skippedNoRelevant: 0, missingFromRun: 0, notInQrels: 0 };
  for (const [queryId, judged] of qrels) {
    if (countRelevant(judged) === 0) {
      counts.skippedNoRelevant += 1;
      continue;
    }
    const ranking = run.get(queryId);
    if (ranking === undefined) {
      counts.missingFromRun += 1;
      if (policy === 'skip') continue;
    }
    const values = irMetricsAtK([...(ranking ?? [])].sort(compareTrecEval), judged, k);
    const metrics: Record<string, number> = {};
    for (const name of IR_METRICS) metrics[metricKey(name, k)] = values[name];
    perQuery.push({ queryId, metrics });
    counts.evaluated += 1;
  }
  for (const queryId of run.keys()) if (!qrels.has(queryId)) counts.notInQrels += 1;
  const means: Record<string, number> = {};
  for (const name of IR_METRICS) {
    const key = metricKey(name, k);
    means[key] = perQuery.length === 0 ? 0 : perQuery.reduce((sum, row) => sum + row.metrics[key], 0) / perQuery.length;
  }
  return { k, means, perQuery, counts };
}
