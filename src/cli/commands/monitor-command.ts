import type { Command } from 'commander';
import { dbOptionsFromConfig, openDb } from '../../db/open-db.js';
import type { Db } from '../../db/types.js';
import { runMonitorChecks } from '../../monitor/monitor-check.js';
import { lastPromotionFinder } from '../../registry/last-promotion.js';
import { monitorReport } from '../../monitor/monitor-report.js';
import { MONITOR_WINDOWS, type MonitorAlert, type MonitorCheckResult, type MonitorReport, type MonitorWindow, type WindowStats } from '../../monitor/types.js';
import type { CommandContext } from '../context.js';
import { formatNumber, printJson, table, UsageError } from '../output.js';
import { tenantOption } from '../options.js';

function windowOption(value: string): MonitorWindow {
  if (!(MONITOR_WINDOWS as readonly string[]).includes(value)) throw new UsageError(`--window must be one of ${MONITOR_WINDOWS.join(', ')}, got "${value}"`);
  return value as MonitorWindow;
}

/**
 * `groundwork monitor [report] [--window 1h|1d|7d] [--tenant T] [--json]`: the monitoring report (latency,
 * error, refusal and cache hit rates, cost, drift of each signal against the reference window,
 * open alerts); `groundwork monitor check [--json]`: runs the checks once (for cron), opening,
 * escalating and resolving alerts and sending them to monitor.webhookUrl.
 */
export function registerMonitor(program: Command, context: CommandContext): void {
  const withDb = async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
    const db = await openDb(dbOptionsFromConfig(context.config()));
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };
  const monitor = program.command('monitor').description('monitoring report (the default) and checks: latency, errors, refusals, cache, cost and drift against the reference window');
  // The report is the default subcommand, so `monitor --json` and `monitor check --json` each own their flags.
  monitor
    .command('report', { isDefault: true })
    .description('print the monitoring report of one window against its reference')
    .option('--window <window>', `the window reported (${MONITOR_WINDOWS.join(', ')})`, windowOption, '1d')
    .option('--tenant <tenant>', 'only this tenant (default: every tenant)', tenantOption)
    .option('--json', 'print one JSON document')
    .action(async (flags: { window: MonitorWindow; tenant?: string; json?: boolean }) => {
      const options = context.config().monitor;
      const report = await withDb((db) => monitorReport(db, { tenant: flags.tenant ?? null, window: flags.window, options, lastPromotion: lastPromotionFinder(db) }));
      if (flags.json) printJson(context.io, report);
      else context.io.stdout(reportText(report));
    });

  monitor
    .command('check')
    .description('run the monitoring checks once (for cron): retention, drift and error-rate alerts, webhook')
    .option('--json', 'print one JSON document')
    .action(async (flags: { json?: boolean }) => {
      const options = context.config().monitor;
      const log = (line: Record<string, unknown>): void => context.io.stderr(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
      const result = await withDb((db) => runMonitorChecks(db, { options, log, lastPromotion: lastPromotionFinder(db) }));
      if (flags.json) printJson(context.io, result);
      else context.io.stdout(checkText(result));
    });
}

const percent = (value: number | null): string => (value === null ? '-' : `${(value * 100).toFixed(2)}%`);
const ms = (value: number | undefined): string => (value === undefined ? '-' : `${formatNumber(value)} ms`);

function statsRow(name: string, stats: WindowStats): Record<string, unknown> {
  return {
    window: name,
    requests: stats.requests,
    errors: percent(stats.errorRate),
    refusals: percent(stats.refusalRate),
    'cache hits': percent(stats.cacheHitRate),
    'cost/query': stats.costPerQuery === null ? '-' : `$${stats.costPerQuery.toFixed(6)}`,
    p50: ms(stats.latencyMs?.p50),
    p95: ms(stats.latencyMs?.p95),
    p99: ms(stats.latencyMs?.p99),
  };
}

function alertRows(alerts: readonly MonitorAlert[]): Record<string, unknown>[] {
  return alerts.map((alert) => ({ tenant: alert.tenant, severity: alert.severity, key: alert.key, value: alert.value, opened: alert.openedAt, message: alert.message }));
}

function reportText(report: MonitorReport): string {
  const lines = [
    `monitor: ${report.tenant ? `tenant ${report.tenant}` : 'every tenant'}, last ${report.window} (${report.current.from} to ${report.current.to}) against ${report.reference.kind} reference ${report.reference.from} to ${report.reference.to}`,
    '',
    table([statsRow(`last ${report.window}`, report.current.stats), statsRow('reference', report.reference.stats)]),
    'drift:',
    table(
      report.drift.map((d) => ({
        signal: d.signal,
        type: d.type,
        method: d.method,
        value: d.statistic,
        'p-value': d.pValue ?? d.ks?.pValue,
        status: d.status,
        samples: `${d.referenceSamples} / ${d.currentSamples}`,
        thresholds: d.method === 'psi' ? `${d.thresholds.warning} / ${d.thresholds.critical}` : `p < ${d.thresholds.warning}`,
      })),
    ),
    `open alerts: ${report.alerts.length}`,
    report.alerts.length > 0 ? table(alertRows(report.alerts)) : '',
  ];
  for (const d of report.drift) if (d.response) lines.push(`${d.signal}: ${d.response}`);
  for (const d of report.drift) if (d.status === 'unavailable' && d.reason) lines.push(`${d.signal}: unavailable: ${d.reason}`);
  return `${lines.join('\n').trimEnd()}\n`;
}

function checkText(result: MonitorCheckResult): string {
  const lines = [
    `checked ${result.tenants.length} tenant(s) over ${result.windows.join(', ')} in ${result.durationMs} ms; ${result.deletedRows} telemetry row(s) past retention deleted`,
    `opened ${result.opened.length}, escalated ${result.escalated.length}, resolved ${result.resolved.length}; open now ${result.open.length}`,
    result.webhook ? `webhook: ${result.webhook.sent} sent, ${result.webhook.failed} failed (tried again on the next check)` : 'webhook: none configured (monitor.webhookUrl)',
  ];
  if (result.open.length > 0) lines.push('', table(alertRows(result.open)).trimEnd());
  return `${lines.join('\n')}\n`;
}
