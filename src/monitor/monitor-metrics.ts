import { Counter, Gauge, type Registry } from 'prom-client';
import type { TelemetryDropReason } from './telemetry-writer.js';
import type { MonitorAlert } from './types.js';

/** The monitor's Prometheus metrics, on the server's registry. */
export interface MonitorMetrics {
  telemetryDropped(reason: TelemetryDropReason, rows: number): void;
  /** Replaces the open-alert gauges with these alerts. */
  setOpenAlerts(alerts: readonly MonitorAlert[]): void;
}

/** The metric of this name on the registry, or a new one (one app per registry may be built more than once in tests). */
function existing<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/**
 * `groundwork_telemetry_dropped_total{reason}` and, per open alert,
 * `groundwork_monitor_alert{tenant,key,kind,signal,window,severity}` = its measured value
 * (PSI, p-value, error rate or milliseconds).
 */
export function createMonitorMetrics(registry: Registry): MonitorMetrics {
  const dropped = existing(
    registry,
    'groundwork_telemetry_dropped_total',
    () => new Counter({ name: 'groundwork_telemetry_dropped_total', help: 'Telemetry rows not written: buffer full, write failed, or recorded after close', labelNames: ['reason'], registers: [registry] }),
  );
  const alerts = existing(
    registry,
    'groundwork_monitor_alert',
    () =>
      new Gauge({
        name: 'groundwork_monitor_alert',
        help: "Open monitor alerts (one series each); the value is the alert's measure: PSI, chi-square p-value, error rate, or latency in ms",
        labelNames: ['tenant', 'key', 'kind', 'signal', 'window', 'severity'],
        registers: [registry],
      }),
  );
  return {
    telemetryDropped(reason, rows) {
      dropped.inc({ reason }, rows);
    },
    setOpenAlerts(open) {
      alerts.reset();
      for (const alert of open) {
        alerts.set({ tenant: alert.tenant, key: alert.key, kind: alert.kind, signal: alert.signal, window: alert.window, severity: alert.severity }, alert.value ?? 1);
      }
    },
  };
}
