import type { Registry } from 'prom-client';
import type { Queryable } from '../db/types.js';
import type { WebhookOptions } from './alert-webhook.js';
import { alertsInScope } from './alert-store.js';
import { runMonitorChecks, stderrMonitorLog, type MonitorLog } from './monitor-check.js';
import { createMonitorCache } from './monitor-cache.js';
import { createMonitorMetrics } from './monitor-metrics.js';
import type { MonitorOptions } from './monitor-options.js';
import type { LastPromotion } from './monitor-windows.js';
import { createTelemetryWriter, type TelemetryWriter } from './telemetry-writer.js';
import type { MonitorCheckResult } from './types.js';

/** Telemetry and checks of one running app: created once per app, closed with it. */
export interface Monitor {
  readonly options: MonitorOptions;
  readonly telemetry: TelemetryWriter;
  /** Flushes telemetry, runs the checks once and updates the alert gauges. */
  check(): Promise<MonitorCheckResult>;
  /** Stops the schedule, waits for a running check, writes the buffered rows. */
  close(): Promise<void>;
}

export interface CreateMonitorOptions {
  db: Queryable;
  options: MonitorOptions;
  /** The server's Prometheus registry (telemetry drops and open alerts go there). */
  registry?: Registry;
  /** Query -> analyzed terms (the index's analyzer), for term drift. */
  terms?: (text: string) => string[];
  /** Run the checks every options.checkIntervalMs (serve). */
  schedule?: boolean;
  log?: MonitorLog;
  webhook?: WebhookOptions;
  lastPromotion?: LastPromotion;
}

/**
 * Builds the app's monitor: the telemetry writer (drops counted on the registry) and, when
 * `schedule`, the checks every checkIntervalMs (one at a time; a failed run is logged).
 * @example const monitor = createMonitor({ db, options: config.monitor, registry: metrics.registry, schedule: true });
 */
export function createMonitor(create: CreateMonitorOptions): Monitor {
  const { db, options } = create;
  const log = create.log ?? stderrMonitorLog;
  const metrics = create.registry ? createMonitorMetrics(create.registry) : undefined;
  const telemetry = createTelemetryWriter({
    db,
    bufferSize: options.bufferSize,
    flushIntervalMs: options.flushIntervalMs,
    terms: create.terms,
    onDropped: (reason, rows) => metrics?.telemetryDropped(reason, rows),
  });
  // The scheduled runs share settled hours: each run reads only the hours since the last one.
  const cache = createMonitorCache();
  let running: Promise<MonitorCheckResult> | undefined;
  const check = (): Promise<MonitorCheckResult> => {
    running ??= (async () => {
      await telemetry.flush();
      const result = await runMonitorChecks(db, { options, log, webhook: create.webhook, lastPromotion: create.lastPromotion, cache });
      metrics?.setOpenAlerts(result.open);
      return result;
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  let timer: NodeJS.Timeout | undefined;
  if (create.schedule) {
    timer = setInterval(() => {
      check().catch((error: unknown) => log({ level: 'error', msg: 'monitor check failed', error: (error as Error)?.message ?? String(error) }));
    }, options.checkIntervalMs);
    timer.unref();
    // The gauges show alerts opened by earlier runs (or `monitor check` from cron) from the start.
    if (metrics) {
      alertsInScope(db, { tenant: null, open: true })
        .then((open) => metrics.setOpenAlerts(open))
        .catch((error: unknown) => log({ level: 'warn', msg: 'monitor: could not read open alerts', error: (error as Error)?.message ?? String(error) }));
    }
  }
  let closing: Promise<void> | undefined;
  return {
    options,
    telemetry,
    check,
    close() {
      closing ??= (async () => {
        if (timer) clearInterval(timer);
        await running?.catch(() => undefined);
        await telemetry.close();
      })();
      return closing;
    },
  };
}
