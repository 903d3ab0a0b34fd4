import type { Queryable } from '../db/types.js';
import { alertsInScope } from './alert-store.js';
import { driftSignals, sampleDriftRows } from './drift-signals.js';
import type { QueryEmbedderState } from './embedding-drift.js';
import type { MonitorCache } from './monitor-cache.js';
import type { MonitorOptions } from './monitor-options.js';
import { resolveWindows, type LastPromotion } from './monitor-windows.js';
import type { DriftSignal, MonitorReport, MonitorWindow, TimeRange, WindowStats } from './types.js';
import { requestCount, windowStats, type TelemetryScope } from './window-stats.js';

export interface MonitorReportRequest {
  /** One tenant, or every tenant (null). */
  tenant: string | null;
  window: MonitorWindow;
  options: MonitorOptions;
  now?: Date;
  lastPromotion?: LastPromotion;
  /** Leave out the open alerts (the check job reads them itself). */
  withAlerts?: boolean;
  /** Settled hours kept across reports (the monitor routes' and the check schedule's own); without it every report reads its windows whole. */
  cache?: MonitorCache;
  /** Whether an embedder is installed, for the query-embedding signal; without it the stored rows decide. */
  queryEmbedder?: QueryEmbedderState;
}

/**
 * The monitor report of one window against its reference: counts, rates, cost and latency from
 * the rollups; drift of each signal from random samples of both windows' telemetry rows.
 */
export async function monitorReport(db: Queryable, request: MonitorReportRequest): Promise<MonitorReport> {
  const now = request.now ?? new Date();
  const windows = await resolveWindows(request.window, request.options.reference, now, request.tenant, request.lastPromotion);
  const currentScope = { tenant: request.tenant, ...windows.current };
  const referenceScope = { tenant: request.tenant, from: windows.reference.from, to: windows.reference.to };
  const [current, reference] = await Promise.all([windowStats(db, currentScope, request.cache, now), windowStats(db, referenceScope, request.cache, now)]);
  return {
    generatedAt: now.toISOString(),
    tenant: request.tenant,
    window: request.window,
    current: { from: windows.current.from.toISOString(), to: windows.current.to.toISOString(), stats: current },
    reference: { kind: windows.reference.kind, from: windows.reference.from.toISOString(), to: windows.reference.to.toISOString(), stats: reference },
    drift: await windowDrift(db, { current: currentScope, reference: referenceScope, currentRequests: current.requests, referenceRequests: reference.requests }, request, now),
    alerts: request.withAlerts === false ? [] : await alertsInScope(db, { tenant: request.tenant, open: true }),
  };
}

/** Drift of every signal between two scopes whose request counts are known. */
async function windowDrift(
  db: Queryable,
  scopes: { current: TelemetryScope; reference: TelemetryScope; currentRequests: number; referenceRequests: number },
  request: Pick<MonitorReportRequest, 'options' | 'cache' | 'queryEmbedder'>,
  now: Date,
): Promise<DriftSignal[]> {
  const size = request.options.sampleSize;
  const [currentRows, referenceRows] = await Promise.all([
    sampleDriftRows(db, scopes.current, size, scopes.currentRequests, request.cache, now),
    sampleDriftRows(db, scopes.reference, size, scopes.referenceRequests, request.cache, now),
  ]);
  return driftSignals(referenceRows, currentRows, request.options.thresholds, request.queryEmbedder);
}

/** What the checks need of one window: its stats and the drift against the reference (no reference stats). */
export async function checkWindow(
  db: Queryable,
  request: Omit<MonitorReportRequest, 'withAlerts' | 'tenant'> & { tenant: string },
): Promise<{ window: MonitorWindow; tenant: string; stats: WindowStats; reference: TimeRange; drift: DriftSignal[] }> {
  const now = request.now ?? new Date();
  const windows = await resolveWindows(request.window, request.options.reference, now, request.tenant, request.lastPromotion);
  const currentScope = { tenant: request.tenant, ...windows.current };
  const referenceScope = { tenant: request.tenant, from: windows.reference.from, to: windows.reference.to };
  const [stats, referenceRequests] = await Promise.all([
    windowStats(db, currentScope, request.cache, now),
    request.cache ? windowStats(db, referenceScope, request.cache, now).then((reference) => reference.requests) : requestCount(db, referenceScope),
  ]);
  return {
    window: request.window,
    tenant: request.tenant,
    stats,
    reference: { from: windows.reference.from.toISOString(), to: windows.reference.to.toISOString() },
    drift: await windowDrift(db, { current: currentScope, reference: referenceScope, currentRequests: stats.requests, referenceRequests }, request, now),
  };
}
