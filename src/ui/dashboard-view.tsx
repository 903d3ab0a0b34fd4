import { useEffect, useMemo, useState } from 'preact/hooks';
import type { DriftSignal, MonitorAlert, MonitorReport, MonitorSeries, MonitorWindow, WindowStats } from '../monitor/types.js';
import { ApiError } from './api.js';
import { errorText, fixed, percent } from './format.js';
import type { Session } from './session.js';
import { TimeSeriesChart, type ChartSeries } from './time-series-chart.js';

const WINDOWS: MonitorWindow[] = ['1h', '1d', '7d'];
/** The dashboard refreshes itself this often while it is open. */
const REFRESH_MS = 15_000;

type Loaded = { report: MonitorReport; series: MonitorSeries; alerts: MonitorAlert[] };

const ms = (value: number) => `${Math.round(value)} ms`;
const usd = (value: number) => `$${value.toFixed(value === 0 ? 2 : value < 0.01 ? 5 : value < 1 ? 3 : 2)}`;

/** Monitoring: the window's figures over time, drift per signal against the reference, open alerts. */
export function DashboardView({ session }: { session: Session }) {
  const [span, setSpan] = useState<MonitorWindow>('1h');
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [unavailable, setUnavailable] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    const get = <T,>(path: string) => session.api.get<T>(path, controller.signal).then((r) => r.data);
    Promise.all([get<MonitorReport>(`/v1/monitor/report?window=${span}`), get<MonitorSeries>(`/v1/monitor/series?window=${span}`), get<{ alerts: MonitorAlert[] }>('/v1/monitor/alerts')])
      .then(([report, series, alerts]) => {
        setLoaded({ report, series, alerts: alerts.alerts });
        setUnavailable(null);
        setError(null);
      })
      .catch((failure) => {
        if ((failure as Error).name === 'AbortError') return;
        // No monitor routes on this server (404), or monitoring switched off (501/503): say so, do not break.
        if (failure instanceof ApiError && [404, 501, 503].includes(failure.status)) setUnavailable(failure.message);
        else setError(errorText(failure));
      });
    const timer = setTimeout(() => setTick((t) => t + 1), REFRESH_MS);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [span, tick]);

  if (unavailable !== null)
    return (
      <div class="dashboard" data-testid="dashboard">
        <p class="notice" data-testid="monitoring-unavailable">
          Monitoring not available on this server ({unavailable}).
        </p>
      </div>
    );
  return (
    <div class="dashboard" data-testid="dashboard">
      <p class="controls">
        Window{' '}
        {WINDOWS.map((w) => (
          <button key={w} class={w === span ? 'on' : ''} aria-pressed={w === span} onClick={() => setSpan(w)}>
            {w}
          </button>
        ))}{' '}
        <button class="link" onClick={() => setTick((t) => t + 1)}>
          Refresh
        </button>
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!loaded && !error && <p class="muted">Loading…</p>}
      {loaded && <MonitorFigures loaded={loaded} />}
    </div>
  );
}

function MonitorFigures({ loaded }: { loaded: Loaded }) {
  const { report, series, alerts } = loaded;
  const times = useMemo(() => series.points.map((p) => Date.parse(p.t) / 1000), [series]);
  const charts = useMemo(() => {
    const pick = (f: (p: MonitorSeries['points'][number]) => number | null) => series.points.map(f);
    return {
      requests: [{ label: 'requests', values: pick((p) => p.requests), stroke: '#1f6feb', format: (v: number) => String(Math.round(v)) }],
      latency: [
        { label: 'p50', values: pick((p) => p.p50Ms), stroke: '#1f6feb', format: ms },
        { label: 'p95', values: pick((p) => p.p95Ms), stroke: '#d1242f', format: ms },
      ],
      rates: [
        { label: 'error rate', values: pick((p) => p.errorRate), stroke: '#d1242f', format: (v: number) => percent(v, 0) },
        { label: 'refusal rate', values: pick((p) => p.refusalRate), stroke: '#9a6700', format: (v: number) => percent(v, 0) },
        { label: 'cache hit rate', values: pick((p) => p.cacheHitRate), stroke: '#1a7f37', format: (v: number) => percent(v, 0) },
      ],
      cost: [{ label: 'cost', values: pick((p) => p.costUsd), stroke: '#8250df', format: usd }],
    } satisfies Record<string, ChartSeries[]>;
  }, [series]);
  const current = report.current.stats;
  return (
    <>
      <StatsTable current={current} reference={report.reference.stats} referenceKind={report.reference.kind} />
      <div class="charts">
        <TimeSeriesChart title="Requests" times={times} series={charts.requests} testId="chart-requests" yMaxAtLeast={1} whole />
        <TimeSeriesChart title="Latency" times={times} series={charts.latency} testId="chart-latency" yMaxAtLeast={100} />
        <TimeSeriesChart title="Rates" times={times} series={charts.rates} testId="chart-rates" yMaxAtLeast={1} />
        <TimeSeriesChart title="Cost" times={times} series={charts.cost} testId="chart-cost" yMaxAtLeast={0.01} />
      </div>
      <DriftTable drift={report.drift} />
      <AlertList alerts={alerts} />
    </>
  );
}

function StatsTable({ current, reference, referenceKind }: { current: WindowStats; reference: WindowStats; referenceKind: string }) {
  const rows: Array<[string, (s: WindowStats) => string]> = [
    ['requests', (s) => String(s.requests)],
    ['error rate', (s) => percent(s.errorRate)],
    ['latency p50 / p95 / p99', (s) => (s.latencyMs ? `${ms(s.latencyMs.p50)} / ${ms(s.latencyMs.p95)} / ${ms(s.latencyMs.p99)}` : '–')],
    ['refusal rate', (s) => percent(s.refusalRate)],
    ['cache hit rate', (s) => percent(s.cacheHitRate)],
    ['cost per query', (s) => (s.costPerQuery === null ? '–' : usd(s.costPerQuery))],
  ];
  return (
    <table class="stats" data-testid="window-stats">
      <thead>
        <tr>
          <th></th>
          <th>this window</th>
          <th>reference ({referenceKind})</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label}>
            <td>{label}</td>
            <td data-testid={label === 'requests' ? 'requests-current' : undefined}>{value(current)}</td>
            <td>{value(reference)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DriftTable({ drift }: { drift: DriftSignal[] }) {
  return (
    <table class="drift" data-testid="drift">
      <caption>
        Drift against the reference window (PSI: warning above the first threshold, critical above the second; chi-square for query terms; query embeddings: the largest PSI of 16
        projected components)
      </caption>
      <thead>
        <tr>
          <th>signal</th>
          <th>status</th>
          <th>method</th>
          <th>value</th>
          <th>thresholds</th>
          <th>samples (ref / now)</th>
          <th>response</th>
        </tr>
      </thead>
      <tbody>
        {drift.map((d) => (
          <tr key={d.signal} class={`status-${d.status}`}>
            <td>{d.signal}</td>
            <td>{d.status}</td>
            <td>{d.method}</td>
            <td>
              {d.status === 'unavailable' ? (
                <span class="muted" data-testid={`drift-reason-${d.signal}`}>
                  {d.reason}
                </span>
              ) : (
                <>
                  {fixed(d.statistic)}
                  {d.pValue !== undefined ? ` (p ${fixed(d.pValue)})` : ''}
                  {d.ks ? ` · KS ${fixed(d.ks.statistic, 3)} (p ${fixed(d.ks.pValue)})` : ''}
                  {d.embedding && d.statistic !== null
                    ? ` · ${d.embedding.driftedComponents}/${d.embedding.components} components drifted · centroid distance ${fixed(d.embedding.centroidCosineDistance, 4)}`
                    : ''}
                  {d.reason ? <span class="muted"> ({d.reason})</span> : null}
                </>
              )}
            </td>
            <td>
              {d.thresholds.warning}
              {d.thresholds.critical !== undefined ? ` / ${d.thresholds.critical}` : ''}
            </td>
            <td>
              {d.referenceSamples} / {d.currentSamples}
            </td>
            <td>{d.response ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AlertList({ alerts }: { alerts: MonitorAlert[] }) {
  if (alerts.length === 0)
    return (
      <p class="muted" data-testid="alerts">
        No open alerts.
      </p>
    );
  return (
    <ul class="alerts" data-testid="alerts">
      {alerts.map((a) => (
        <li key={a.id} class={`severity-${a.severity}`}>
          <strong>{a.severity}</strong> {a.message} <span class="muted">({a.window}, since {new Date(a.openedAt).toLocaleString()})</span>
          <br />
          <span class="response">{a.response}</span>
        </li>
      ))}
    </ul>
  );
}
