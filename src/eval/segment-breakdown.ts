import { bootstrapCI, type MeanWithCI, type ResamplingOptions } from './bootstrap-ci.js';

/** Per-segment means with intervals. */
export interface SegmentStats {
  segment: string;
  n: number;
  metrics: Record<string, MeanWithCI>;
}

/**
 * Groups per-query rows by a segment (any metadata field: `segmentOf` returns its value) and
 * computes a bootstrap interval per metric within each segment. Rows whose segment is undefined
 * go to "(none)". Segments are sorted by name. A metric missing on a row is left out for that row.
 */
export function segmentBreakdown<Row extends { metrics: Record<string, number> }>(
  rows: readonly Row[],
  segmentOf: (row: Row) => string | undefined,
  metricNames: readonly string[],
  options: ResamplingOptions = {},
): SegmentStats[] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const segment = segmentOf(row) ?? '(none)';
    const group = groups.get(segment) ?? [];
    group.push(row);
    groups.set(segment, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([segment, group]) => {
      const metrics: Record<string, MeanWithCI> = {};
      for (const name of metricNames) {
        const values = group.map((row) => row.metrics[name]).filter((value): value is number => typeof value === 'number');
        if (values.length > 0) metrics[name] = bootstrapCI(values, options);
      }
      return { segment, n: group.length, metrics };
    });
}
