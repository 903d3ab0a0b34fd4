import type { Queryable } from '../db/types.js';
import { alertKey, applyRetention, pendingNotifications, reconcileAlerts, type AlertCondition, type ReconcileResult, alertsInScope } from './alert-store.js';
import { postAlertWebhook, type WebhookOptions } from './alert-webhook.js';
import { OPERATIONAL_RESPONSES } from './drift-playbook.js';
import type { MonitorCache } from './monitor-cache.js';
import type { MonitorOptions } from './monitor-options.js';
import { checkWindow } from './monitor-report.js';
import { WINDOW_MS, type LastPromotion } from './monitor-windows.js';
import type { MonitorCheckResult, MonitorWindow } from './types.js';

/** One window of one tenant as the checks see it (checkWindow's result). */
type CheckedWindow = Awaited<ReturnType<typeof checkWindow>>;

/** One log line of the checks (an alert opened, escalated or resolved; a failed delivery). */
export type MonitorLog = (line: { level: 'info' | 'warn' | 'error'; msg: string; [key: string]: unknown }) => void;

export const stderrMonitorLog: MonitorLog = (line) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
};

export interface MonitorCheckOptions {
  options: MonitorOptions;
  now?: Date;
  log?: MonitorLog;
  webhook?: WebhookOptions;
  lastPromotion?: LastPromotion;
  /** Settled hours kept across runs (serve's schedule keeps one). */
  cache?: MonitorCache;
}

/** The alert conditions of one tenant's report, and the keys the report could decide. */
export function alertConditions(report: CheckedWindow, options: MonitorOptions): { conditions: AlertCondition[]; evaluated: Set<string> } {
  const { tenant, window } = report;
  const conditions: AlertCondition[] = [];
  const evaluated = new Set<string>();
  const thresholds = options.thresholds;
  for (const drift of report.drift) {
    if (drift.status === 'insufficient-data' || drift.status === 'unavailable') continue;
    evaluated.add(alertKey({ window, kind: 'drift', signal: drift.signal }));
    if (drift.status === 'none') continue;
    const threshold = drift.method === 'chi2' ? thresholds.alpha : drift.status === 'critical' ? thresholds.psiCritical : thresholds.psiWarning;
    const embedding = drift.embedding
      ? ` (largest of ${drift.embedding.components} projected components, ${drift.embedding.driftedComponents} above ${thresholds.psiWarning}; centroid cosine distance ${drift.embedding.centroidCosineDistance?.toFixed(4)})`
      : '';
    const measure = drift.method === 'chi2' ? `chi-square p = ${drift.pValue?.toPrecision(3)} < ${threshold}` : `PSI ${drift.statistic?.toFixed(3)} > ${threshold}${embedding}`;
    conditions.push({
      tenant,
      window,
      kind: 'drift',
      signal: drift.signal,
      severity: drift.status,
      value: drift.method === 'chi2' ? (drift.pValue ?? null) : drift.statistic,
      threshold,
      message: `${drift.type} drift of ${drift.signal} over the last ${window} against the reference (${report.reference.from} to ${report.reference.to}): ${measure}`,
      response: drift.response ?? '',
      details: { method: drift.method, ks: drift.ks, jsDivergence: drift.jsDivergence, referenceSamples: drift.referenceSamples, currentSamples: drift.currentSamples, embedding: drift.embedding },
    });
  }
  const stats = report.stats;
  // Rates and percentiles over fewer requests than minSamples decide nothing (one error in two requests is not 50%).
  if (stats.requests >= thresholds.minSamples) {
    evaluated.add(alertKey({ window, kind: 'error-rate', signal: 'errors' }));
    if (stats.errorRate !== null && stats.errorRate > thresholds.errorRate) {
      conditions.push({
        tenant,
        window,
        kind: 'error-rate',
        signal: 'errors',
        severity: 'critical',
        value: stats.errorRate,
        threshold: thresholds.errorRate,
        message: `error rate ${(stats.errorRate * 100).toFixed(2)}% (${stats.errors} of ${stats.requests} requests) over the last ${window} is above ${(thresholds.errorRate * 100).toFixed(2)}%`,
        response: OPERATIONAL_RESPONSES['error-rate'],
      });
    }
    for (const [signal, limit] of [['p95', thresholds.p95Ms], ['p99', thresholds.p99Ms]] as const) {
      if (limit === undefined || !stats.latencyMs) continue;
      evaluated.add(alertKey({ window, kind: 'latency', signal }));
      const value = stats.latencyMs[signal];
      if (value > limit) {
        conditions.push({
          tenant,
          window,
          kind: 'latency',
          signal,
          severity: 'warning',
          value,
          threshold: limit,
          message: `latency ${signal} ${value} ms over the last ${window} is above ${limit} ms`,
          response: OPERATIONAL_RESPONSES.latency,
        });
      }
    }
  }
  return { conditions, evaluated };
}

/**
 * Runs the checks once (what `groundwork monitor check` and serve's schedule do): retention,
 * then for every tenant with recent telemetry or an open alert and every configured window, the
 * report and its alert conditions; alerts opened, escalated and resolved are logged and sent to
 * the webhook, each message once.
 */
export async function runMonitorChecks(db: Queryable, check: MonitorCheckOptions): Promise<MonitorCheckResult> {
  const started = performance.now();
  const now = check.now ?? new Date();
  const options = check.options;
  const log = check.log ?? stderrMonitorLog;
  const deletedRows = await applyRetention(db, options.retentionDays, now);
  const windows = [...new Set(options.windows)] as MonitorWindow[];
  const longest = Math.max(...windows.map((window) => WINDOW_MS[window]));
  const tenants = (
    await db.query<{ tenant: string }>(
      `SELECT tenant FROM telemetry_minute WHERE minute >= $1::timestamptz GROUP BY tenant
       UNION SELECT tenant FROM monitor_alerts WHERE resolved_at IS NULL ORDER BY tenant`,
      [new Date(now.getTime() - longest).toISOString()],
    )
  ).rows.map((row) => row.tenant);

  const changes: ReconcileResult = { opened: [], escalated: [], resolved: [] };
  for (const tenant of tenants) {
    const conditions: AlertCondition[] = [];
    const evaluated = new Set<string>();
    for (const window of windows) {
      const checked = await checkWindow(db, { tenant, window, options, now, lastPromotion: check.lastPromotion, cache: check.cache });
      const found = alertConditions(checked, options);
      conditions.push(...found.conditions);
      for (const key of found.evaluated) evaluated.add(key);
    }
    const changed = await reconcileAlerts(db, tenant, conditions, evaluated, now);
    changes.opened.push(...changed.opened);
    changes.escalated.push(...changed.escalated);
    changes.resolved.push(...changed.resolved);
  }
  for (const [event, alerts] of [['opened', changes.opened], ['escalated', changes.escalated], ['resolved', changes.resolved]] as const) {
    for (const alert of alerts) log({ level: event === 'resolved' ? 'info' : alert.severity === 'critical' ? 'error' : 'warn', msg: `monitor alert ${event}`, alert });
  }
  const webhook = options.webhookUrl ? await deliverWebhooks(db, options.webhookUrl, log, check.webhook) : null;
  return {
    checkedAt: now.toISOString(),
    tenants,
    windows,
    ...changes,
    open: await alertsInScope(db, { tenant: null, open: true }),
    deletedRows,
    webhook,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

/** Sends every message not yet delivered; a failed one is released for the next run. */
async function deliverWebhooks(db: Queryable, url: string, log: MonitorLog, options?: WebhookOptions): Promise<{ sent: number; failed: number }> {
  const counts = { sent: 0, failed: 0 };
  for (const pending of await pendingNotifications(db)) {
    if (!(await pending.claim())) continue;
    const result = await postAlertWebhook(url, { event: pending.event, alert: pending.alert, source: 'groundwork' }, options);
    if (result.ok) {
      counts.sent += 1;
      continue;
    }
    counts.failed += 1;
    await pending.release();
    log({ level: 'error', msg: 'monitor webhook delivery failed; it is tried again on the next check', event: pending.event, alertKey: pending.alert.key, tenant: pending.alert.tenant, error: result.error });
  }
  return counts;
}
