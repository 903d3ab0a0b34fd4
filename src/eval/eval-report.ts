import type { MeanWithCI } from './bootstrap-ci.js';
import type { PairedTestResult } from './paired-test.js';
import type { SegmentStats } from './segment-breakdown.js';
import type { QueryMetrics } from './types.js';

/** One retrieved passage shown in error analysis. */
export interface ReportPassage {
  docId: string;
  text?: string;
  score?: number;
  relevant: boolean;
}

/** A poorly scoring query with what was retrieved for it. */
export interface ReportQuery {
  queryId: string;
  query?: string;
  metric: string;
  value: number;
  retrieved: ReportPassage[];
}

/** Everything a markdown or HTML report shows. Only `title` and `metrics` are required. */
export interface EvalReport {
  title: string;
  experimentId?: string;
  createdAt?: string;
  dataset?: { path: string; hash: string; split?: string };
  hypothesis?: string;
  metrics: Record<string, MeanWithCI>;
  comparison?: {
    baselineId: string;
    metrics: Record<string, PairedTestResult>;
    /** Metric of the per-query difference plot. */
    primaryMetric: string;
    /** B - A per query for the primary metric. */
    perQueryDifferences: Array<{ queryId: string; difference: number }>;
  };
  segments?: SegmentStats[];
  latenciesMs?: number[];
  worstQueries?: ReportQuery[];
}

/** Default number of worst queries listed in reports. */
export const WORST_QUERY_COUNT = 50;

/** The `count` lowest-scoring queries on `metric` (ties by query id), lowest first. */
export function selectWorstQueries(perQuery: readonly QueryMetrics[], metric: string, count = WORST_QUERY_COUNT): QueryMetrics[] {
  return perQuery
    .filter((row) => typeof row.metrics[metric] === 'number')
    .sort((a, b) => a.metrics[metric] - b.metrics[metric] || a.queryId.localeCompare(b.queryId))
    .slice(0, count);
}
