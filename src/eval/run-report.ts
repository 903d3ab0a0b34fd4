import type { ResamplingOptions } from './bootstrap-ci.js';
import { WORST_QUERY_COUNT, selectWorstQueries, type EvalReport, type ReportPassage } from './eval-report.js';
import type { ExperimentRecord } from './experiment-record.js';
import type { ExperimentStore } from './experiment-store.js';
import { segmentBreakdown } from './segment-breakdown.js';

/** Primary metric of experiments that did not record one (retrieval runs). */
const FALLBACK_PRIMARY_METRIC = 'ndcg@10';

/** Metrics shown per segment besides the primary one (the full set makes an unreadable table). */
const SEGMENT_METRICS = ['ndcg@10', 'recall@100', 'refusal_accuracy', 'false_refusal_rate', 'reference_recall', 'citation_recall', 'groundedness'];

/** The metric an experiment's verdict was decided on (recorded under `config.eval.primaryMetric`). */
export function primaryMetricOf(record: Pick<ExperimentRecord, 'config' | 'metrics'>): string {
  const recorded = (record.config.eval as { primaryMetric?: unknown } | undefined)?.primaryMetric;
  if (typeof recorded === 'string' && recorded in record.metrics) return recorded;
  return FALLBACK_PRIMARY_METRIC in record.metrics ? FALLBACK_PRIMARY_METRIC : Object.keys(record.metrics)[0] ?? FALLBACK_PRIMARY_METRIC;
}

/**
 * Builds the report of a stored experiment: metrics with intervals, the baseline comparison with
 * the per-query difference of the primary metric (baseline read from the store), segments (from
 * each query's `details.segment`), latencies (`details.latencyMs`) and the worst queries on the
 * primary metric with their retrieved passages (`details.retrieved`).
 */
export async function buildExperimentReport(
  store: Pick<ExperimentStore, 'get'>,
  id: string,
  options: ResamplingOptions & { worstQueries?: number } = {},
): Promise<EvalReport> {
  const record = await store.get(id);
  const primaryMetric = primaryMetricOf(record);
  const report: EvalReport = {
    title: `groundwork eval ${record.id} (${record.verdict})`,
    experimentId: record.id,
    createdAt: record.createdAt.toISOString(),
    dataset: { path: record.dataset.path, hash: record.dataset.hash, ...(record.dataset.split ? { split: record.dataset.split } : {}) },
    ...(record.hypothesis ? { hypothesis: record.hypothesis } : {}),
    metrics: inRecordedOrder(record.config, record.metrics),
  };
  if (record.baselineId && record.comparison) {
    const baseline = await store.get(record.baselineId);
    const before = new Map(baseline.perQuery.map((row) => [row.queryId, row.metrics[primaryMetric]]));
    report.comparison = {
      baselineId: record.baselineId,
      metrics: inRecordedOrder(record.config, record.comparison),
      primaryMetric,
      perQueryDifferences: record.perQuery
        .filter((row) => typeof row.metrics[primaryMetric] === 'number' && typeof before.get(row.queryId) === 'number')
        .map((row) => ({ queryId: row.queryId, difference: row.metrics[primaryMetric] - before.get(row.queryId)! })),
    };
  }
  if (record.perQuery.some((row) => typeof row.details.segment === 'string')) {
    const names = [primaryMetric, ...SEGMENT_METRICS].filter((name, index, all) => name in record.metrics && all.indexOf(name) === index);
    report.segments = segmentBreakdown(record.perQuery, (row) => row.details.segment as string | undefined, names, options);
  }
  const latencies = record.perQuery.map((row) => row.details.latencyMs).filter((value): value is number => typeof value === 'number');
  if (latencies.length > 0) report.latenciesMs = latencies;
  const details = new Map(record.perQuery.map((row) => [row.queryId, row.details]));
  report.worstQueries = selectWorstQueries(record.perQuery, primaryMetric, options.worstQueries ?? WORST_QUERY_COUNT).map((row) => {
    const detail = details.get(row.queryId) ?? {};
    return {
      queryId: row.queryId,
      ...(typeof detail.query === 'string' ? { query: detail.query } : {}),
      metric: primaryMetric,
      value: row.metrics[primaryMetric],
      retrieved: Array.isArray(detail.retrieved) ? (detail.retrieved as ReportPassage[]) : [],
    };
  });
  return report;
}

/** Metrics in the order the run listed them (`config.eval.metrics`); jsonb does not keep key order. */
function inRecordedOrder<T>(config: ExperimentRecord['config'], values: Record<string, T>): Record<string, T> {
  const listed = (config.eval as { metrics?: unknown } | undefined)?.metrics;
  const order = Array.isArray(listed) ? listed.filter((name): name is string => typeof name === 'string' && name in values) : [];
  for (const name of Object.keys(values)) if (!order.includes(name)) order.push(name);
  return Object.fromEntries(order.map((name) => [name, values[name]]));
}
