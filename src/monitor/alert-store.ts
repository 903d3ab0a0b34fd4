import type { Queryable } from '../db/types.js';
import type { AlertKind, AlertSeverity, MonitorAlert, MonitorWindow } from './types.js';

/** A condition the checks found now (an alert to open, keep or escalate): an alert's fields before it is stored. */
export type AlertCondition = Omit<MonitorAlert, 'id' | 'key' | 'openedAt' | 'updatedAt' | 'resolvedAt'> & { details?: Record<string, unknown> };

/** The alert key: unique among a tenant's open alerts. */
export function alertKey(condition: Pick<AlertCondition, 'window' | 'kind' | 'signal'>): string {
  return `${condition.window}:${condition.kind}:${condition.signal}`;
}

interface AlertRow {
  id: number;
  tenant: string;
  key: string;
  window_name: MonitorWindow;
  kind: AlertKind;
  signal: string;
  severity: AlertSeverity;
  value: number | null;
  threshold: number | null;
  message: string;
  response: string;
  opened_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  notified_severity: AlertSeverity | null;
  resolve_notified: boolean;
}

const COLUMNS = 'id, tenant, key, window_name, kind, signal, severity, value, threshold, message, response, opened_at, updated_at, resolved_at, notified_severity, resolve_notified';

function alertJson(row: AlertRow): MonitorAlert {
  return {
    id: Number(row.id),
    tenant: row.tenant,
    key: row.key,
    window: row.window_name,
    kind: row.kind,
    signal: row.signal,
    severity: row.severity,
    value: row.value,
    threshold: row.threshold,
    message: row.message,
    response: row.response,
    openedAt: new Date(row.opened_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    resolvedAt: row.resolved_at ? new Date(row.resolved_at).toISOString() : null,
  };
}

/** Alerts of one tenant (or all, null): open ones, or the latest `limit` of any state. */
export async function alertsInScope(db: Queryable, scope: { tenant: string | null; open?: boolean; limit?: number }): Promise<MonitorAlert[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (scope.tenant !== null) {
    params.push(scope.tenant);
    where.push(`tenant = $${params.length}`);
  }
  if (scope.open) where.push('resolved_at IS NULL');
  params.push(scope.limit ?? 500);
  const result = await db.query<AlertRow>(
    `SELECT ${COLUMNS} FROM monitor_alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY resolved_at IS NULL DESC, opened_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return result.rows.map(alertJson);
}

/** What reconcile changed. */
export interface ReconcileResult {
  opened: MonitorAlert[];
  escalated: MonitorAlert[];
  resolved: MonitorAlert[];
}

/**
 * Brings a tenant's stored alerts in line with the conditions found now, for the keys this run
 * evaluated (`evaluatedKeys`): a new condition opens an alert (once: the unique index on open
 * alerts makes a concurrent second check a no-op), a warning that turns critical escalates, a
 * critical that eases to warning stays open at warning, and an open alert whose key was evaluated
 * and found clear resolves. Keys not evaluated (no data to decide) are left as they are.
 */
export async function reconcileAlerts(db: Queryable, tenant: string, conditions: readonly AlertCondition[], evaluatedKeys: ReadonlySet<string>, now: Date): Promise<ReconcileResult> {
  const result: ReconcileResult = { opened: [], escalated: [], resolved: [] };
  const open = new Map((await db.query<AlertRow>(`SELECT ${COLUMNS} FROM monitor_alerts WHERE tenant = $1 AND resolved_at IS NULL`, [tenant])).rows.map((row) => [row.key, row]));
  const firing = new Set<string>();
  for (const condition of conditions) {
    const key = alertKey(condition);
    firing.add(key);
    const existing = open.get(key);
    const values = [condition.severity, condition.value, condition.threshold, condition.message, condition.response, JSON.stringify(condition.details ?? {}), now.toISOString()];
    if (!existing) {
      const inserted = await db.query<AlertRow>(
        `INSERT INTO monitor_alerts (tenant, key, window_name, kind, signal, severity, value, threshold, message, response, details, opened_at, updated_at)
         VALUES ($8, $9, $10, $11, $12, $1, $2, $3, $4, $5, $6::jsonb, $7::timestamptz, $7::timestamptz)
         ON CONFLICT (tenant, key) WHERE resolved_at IS NULL DO NOTHING RETURNING ${COLUMNS}`,
        [...values, tenant, key, condition.window, condition.kind, condition.signal],
      );
      if (inserted.rows[0]) result.opened.push(alertJson(inserted.rows[0]));
      continue;
    }
    const updated = await db.query<AlertRow>(
      `UPDATE monitor_alerts SET severity = $1, value = $2, threshold = $3, message = $4, response = $5, details = $6::jsonb, updated_at = $7::timestamptz
       WHERE id = $8 AND resolved_at IS NULL RETURNING ${COLUMNS}`,
      [...values, existing.id],
    );
    if (updated.rows[0] && existing.severity === 'warning' && condition.severity === 'critical') result.escalated.push(alertJson(updated.rows[0]));
  }
  for (const [key, row] of open) {
    if (firing.has(key) || !evaluatedKeys.has(key)) continue;
    const resolved = await db.query<AlertRow>(`UPDATE monitor_alerts SET resolved_at = $1::timestamptz, updated_at = $1::timestamptz WHERE id = $2 AND resolved_at IS NULL RETURNING ${COLUMNS}`, [
      now.toISOString(),
      row.id,
    ]);
    if (resolved.rows[0]) result.resolved.push(alertJson(resolved.rows[0]));
  }
  return result;
}

/** A webhook message waiting to go out, and how to record that it went. */
export interface PendingNotification {
  event: 'opened' | 'escalated' | 'resolved';
  alert: MonitorAlert;
  /** Claims the message (so a concurrent check does not send it too); false when another did. */
  claim(): Promise<boolean>;
  /** Gives the claim back after a failed delivery, so the next check tries again. */
  release(): Promise<void>;
}

/**
 * Messages not yet delivered: open alerts never sent (opened) or sent as warning and now critical
 * (escalated), and resolved alerts whose opening was sent but whose resolution was not.
 */
export async function pendingNotifications(db: Queryable): Promise<PendingNotification[]> {
  const rows = await db.query<AlertRow>(
    `SELECT ${COLUMNS} FROM monitor_alerts
     WHERE (resolved_at IS NULL AND (notified_severity IS NULL OR (notified_severity = 'warning' AND severity = 'critical')))
        OR (resolved_at IS NOT NULL AND notified_severity IS NOT NULL AND NOT resolve_notified)
     ORDER BY id`,
  );
  return rows.rows.map((row) => {
    const alert = alertJson(row);
    if (row.resolved_at) {
      return {
        event: 'resolved' as const,
        alert,
        claim: async () => (await db.query('UPDATE monitor_alerts SET resolve_notified = true WHERE id = $1 AND NOT resolve_notified', [row.id])).rowCount === 1,
        release: async () => void (await db.query('UPDATE monitor_alerts SET resolve_notified = false WHERE id = $1', [row.id])),
      };
    }
    const previous = row.notified_severity;
    return {
      event: previous === null ? ('opened' as const) : ('escalated' as const),
      alert,
      claim: async () =>
        (await db.query('UPDATE monitor_alerts SET notified_severity = $1 WHERE id = $2 AND notified_severity IS NOT DISTINCT FROM $3::text', [row.severity, row.id, previous])).rowCount === 1,
      release: async () => void (await db.query('UPDATE monitor_alerts SET notified_severity = $1::text WHERE id = $2', [previous, row.id])),
    };
  });
}

/** Deletes telemetry rows and rollups older than the retention. Returns the telemetry rows deleted. */
export async function applyRetention(db: Queryable, retentionDays: number, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  const deleted = await db.query('DELETE FROM telemetry WHERE created_at < $1::timestamptz', [cutoff]);
  await db.query('DELETE FROM telemetry_minute WHERE minute < $1::timestamptz', [cutoff]);
  await db.query('DELETE FROM telemetry_minute_latency WHERE minute < $1::timestamptz', [cutoff]);
  return deleted.rowCount;
}
