import type { Queryable } from '../db/types.js';
import { InputError } from '../errors.js';
import { WINDOW_MS } from './monitor-windows.js';
import type { MonitorSeries, MonitorWindow, SeriesPoint } from './types.js';
import { histogramPercentile, rollupWhere } from './window-stats.js';

/** Steps a series may use, in seconds (rollups are per minute, so a minute is the finest). */
export const SERIES_STEPS: Record<string, number> = { '1m': 60, '5m': 300, '15m': 900, '1h': 3600, '6h': 21_600, '1d': 86_400 };
/** Default step per window: 60, 96 and 168 points. */
export const DEFAULT_SERIES_STEP: Record<MonitorWindow, string> = { '1h': '1m', '1d': '15m', '7d': '1h' };
/** Most points one series returns (a chart is not wider than this in pixels anyway). */
export const MAX_SERIES_POINTS = 2_000;

/** Parses a step name ("5m") into seconds; a clear error names the allowed ones. */
export function parseSeriesStep(step: string | undefined, window: MonitorWindow): number {
  const name = step ?? DEFAULT_SERIES_STEP[window];
  const seconds = SERIES_STEPS[name];
  if (seconds === undefined) throw new InputError('step', `is ${JSON.stringify(name)}, expected one of ${Object.keys(SERIES_STEPS).join(', ')}`);
  if (WINDOW_MS[window] / 1000 / seconds > MAX_SERIES_POINTS) throw new InputError('step', `${name} over ${window} gives more than ${MAX_SERIES_POINTS} points; use a larger step`);
  return seconds;
}

/**
 * The window as evenly spaced steps (aligned to multiples of the step since the epoch, empty
 * steps included): requests, errors, latency p50/p95, refusal and cache hit rates, cost.
 */
export async function monitorSeries(db: Queryable, request: { tenant: string | null; window: MonitorWindow; stepSeconds: number; now?: Date }): Promise<MonitorSeries> {
  const now = request.now ?? new Date();
  const stepMs = request.stepSeconds * 1000;
  const firstSlot = Math.floor((now.getTime() - WINDOW_MS[request.window]) / stepMs);
  const lastSlot = Math.floor(now.getTime() / stepMs);
  const from = new Date(firstSlot * stepMs);
  const { where, params } = rollupWhere({ tenant: request.tenant, from, to: now }, 2);
  // date_part gives float8; extract() gives numeric since PostgreSQL 14, whose division costs ~10x more per row.
  const slot = `floor(date_part('epoch', minute) / $1::float8)`;
  const [counts, latency] = await Promise.all([
    db.query<{ slot: number; requests: number; errors: number; decided: number; refusals: number; cache_lookups: number; cache_hits: number; cost_usd: number }>(
      `SELECT ${slot} AS slot, sum(requests)::float8 AS requests, sum(errors)::float8 AS errors, sum(decided)::float8 AS decided, sum(refusals)::float8 AS refusals,
        sum(cache_lookups)::float8 AS cache_lookups, sum(cache_hits)::float8 AS cache_hits, sum(cost_usd)::float8 AS cost_usd
       FROM telemetry_minute WHERE ${where} GROUP BY 1`,
      [request.stepSeconds, ...params],
    ),
    db.query<{ slot: number; bucket: number; count: number }>(`SELECT ${slot} AS slot, bucket, sum(count)::float8 AS count FROM telemetry_minute_latency WHERE ${where} GROUP BY 1, 2`, [
      request.stepSeconds,
      ...params,
    ]),
  ]);
  const histograms = new Map<number, Map<number, number>>();
  for (const row of latency.rows) {
    let histogram = histograms.get(row.slot);
    if (!histogram) histograms.set(row.slot, (histogram = new Map()));
    histogram.set(row.bucket, row.count);
  }
  const bySlot = new Map(counts.rows.map((row) => [row.slot, row]));
  const points: SeriesPoint[] = [];
  for (let s = firstSlot; s <= lastSlot; s++) {
    const row = bySlot.get(s);
    const histogram = histograms.get(s) ?? new Map<number, number>();
    points.push({
      t: new Date(s * stepMs).toISOString(),
      requests: row?.requests ?? 0,
      errors: row?.errors ?? 0,
      errorRate: row && row.requests > 0 ? row.errors / row.requests : null,
      p50Ms: histogramPercentile(histogram, 0.5),
      p95Ms: histogramPercentile(histogram, 0.95),
      refusalRate: row && row.decided > 0 ? row.refusals / row.decided : null,
      cacheHitRate: row && row.cache_lookups > 0 ? row.cache_hits / row.cache_lookups : null,
      costUsd: row?.cost_usd ?? 0,
    });
  }
  return { tenant: request.tenant, window: request.window, stepSeconds: request.stepSeconds, from: from.toISOString(), to: now.toISOString(), points };
}
