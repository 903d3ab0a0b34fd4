/**
 * The monitor's JSON shapes: what `groundwork monitor --json`, `GET /v1/monitor/report`,
 * `GET /v1/monitor/series` and `GET /v1/monitor/alerts` return, and what the webhook receives.
 * Times are ISO 8601 strings; durations milliseconds; money US dollars.
 */

/** Routes that record telemetry. */
export const TELEMETRY_ROUTES = ['ask', 'ask-stream', 'retrieve', 'chat-completions', 'mcp'] as const;
export type TelemetryRoute = (typeof TELEMETRY_ROUTES)[number];

/** Report windows: the last hour, day or week. */
export const MONITOR_WINDOWS = ['1h', '1d', '7d'] as const;
export type MonitorWindow = (typeof MONITOR_WINDOWS)[number];

/** Cache outcome of one request. */
export type CacheOutcome = 'exact' | 'semantic' | 'miss';

/** Latency percentiles in milliseconds (from the per-minute histograms: within ±9%). */
export interface LatencyPercentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Counts, rates and costs of one window (rates are null when nothing was counted). */
export interface WindowStats {
  requests: number;
  errors: number;
  /** errors / requests (errors: status >= 500). */
  errorRate: number | null;
  /** Answers and refusals (asks, streams, chat completions). */
  decided: number;
  refusals: number;
  refusalRate: number | null;
  cacheLookups: number;
  cacheHits: number;
  cacheHitRate: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** costUsd / requests. */
  costPerQuery: number | null;
  latencyMs: LatencyPercentiles | null;
  /** Requests by route. */
  byRoute: Partial<Record<TelemetryRoute, number>>;
}

/** A time range [from, to). */
export interface TimeRange {
  from: string;
  to: string;
}

/** How the reference window was chosen. */
export type ReferenceKind = 'previous' | 'pinned' | 'after-promotion';

/** Methodology drift types (phase 7's drift response playbook). */
export type DriftType = 'feature' | 'prediction';

/**
 * Signals whose distribution is compared with the reference. `query_embedding`: the query
 * embeddings' projections onto fixed random directions (src/monitor/embedding-drift.ts), when an
 * embedder is installed.
 */
export const DRIFT_SIGNALS = ['query_length', 'query_terms', 'top_score', 'confidence', 'answerability', 'query_embedding'] as const;
export type DriftSignalName = (typeof DRIFT_SIGNALS)[number];

/**
 * Verdict of one drift signal. `insufficient-data`: fewer samples than thresholds.minSamples on a
 * side; `unavailable`: the signal cannot exist here (query embeddings without an embedder), `reason` says why.
 */
export type DriftStatus = 'none' | 'warning' | 'critical' | 'insufficient-data' | 'unavailable';

/** What the query-embedding signal adds to a DriftSignal. */
export interface EmbeddingDriftDetails {
  /** The embedder identity compared (id@revision/dimensions); rows of other embedders are left out. */
  embedder: string | null;
  /** Projected components compared (QUERY_PROJECTIONS). */
  components: number;
  /** Components whose PSI is above the warning threshold and whose KS rejects (Bonferroni over the components). */
  driftedComponents: number;
  /** The largest PSI of any component, confirmed by KS or not (the signal's statistic counts confirmed ones only). */
  largestPsi: number | null;
  /** The component with the largest PSI (0-based), whose KS is the signal's `ks`. */
  worstComponent: number | null;
  /**
   * 1 − cosine of the two windows' mean projected embeddings: how far the average question moved
   * (measured in the projection, a Johnson-Lindenstrauss estimate of the full-dimension value).
   */
  centroidCosineDistance: number | null;
}

/** One drift signal of a report. */
export interface DriftSignal {
  signal: DriftSignalName;
  type: DriftType;
  /** The method that decides the status: PSI for numeric signals, chi-square for query terms. */
  method: 'psi' | 'chi2';
  status: DriftStatus;
  /** PSI value (numeric signals) or chi-square statistic (terms); null with insufficient data. */
  statistic: number | null;
  /** Chi-square p-value (terms). */
  pValue?: number;
  /** Two-sample Kolmogorov-Smirnov test, reported beside PSI for numeric signals. */
  ks?: { statistic: number; pValue: number };
  /** Jensen-Shannon divergence of the term shares (terms). */
  jsDivergence?: number;
  referenceSamples: number;
  currentSamples: number;
  /** Warning and critical thresholds (PSI), or alpha for chi-square. */
  thresholds: { warning: number; critical?: number };
  /** The playbook's response for this drift type and status, when drifting. */
  response?: string;
  /** Why the signal is unavailable or short of data, when the report can tell. */
  reason?: string;
  /** query_embedding only. */
  embedding?: EmbeddingDriftDetails;
}

/** Alert kinds: distribution drift, error rate over threshold, latency over threshold. */
export type AlertKind = 'drift' | 'error-rate' | 'latency';
export type AlertSeverity = 'warning' | 'critical';

/** An alert the checks raised (open until its condition clears). */
export interface MonitorAlert {
  id: number;
  tenant: string;
  /** `window:kind:signal`, unique among a tenant's open alerts. */
  key: string;
  window: MonitorWindow;
  kind: AlertKind;
  signal: string;
  severity: AlertSeverity;
  value: number | null;
  threshold: number | null;
  message: string;
  /** What to do, from the methodology's drift response playbook (or the error/latency runbook). */
  response: string;
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}

/** `groundwork monitor --json` and `GET /v1/monitor/report`. */
export interface MonitorReport {
  generatedAt: string;
  /** The tenant reported on; null: every tenant (admin, or the CLI without --tenant). */
  tenant: string | null;
  window: MonitorWindow;
  current: TimeRange & { stats: WindowStats };
  reference: TimeRange & { kind: ReferenceKind; stats: WindowStats };
  drift: DriftSignal[];
  /** Open alerts in scope (every window). */
  alerts: MonitorAlert[];
}

/** One step of a series (rates null when nothing was counted in the step). */
export interface SeriesPoint {
  /** Start of the step. */
  t: string;
  requests: number;
  errors: number;
  errorRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  refusalRate: number | null;
  cacheHitRate: number | null;
  costUsd: number;
}

/** `GET /v1/monitor/series`: evenly spaced steps over the window, empty steps included. */
export interface MonitorSeries {
  tenant: string | null;
  window: MonitorWindow;
  stepSeconds: number;
  from: string;
  to: string;
  points: SeriesPoint[];
}

/** `groundwork monitor check --json`: what one run of the checks did. */
export interface MonitorCheckResult {
  checkedAt: string;
  tenants: string[];
  windows: MonitorWindow[];
  opened: MonitorAlert[];
  escalated: MonitorAlert[];
  resolved: MonitorAlert[];
  /** Alerts open after the run. */
  open: MonitorAlert[];
  /** Telemetry rows deleted by retention. */
  deletedRows: number;
  /** Webhook deliveries: sent, and failed after every retry (tried again on the next run). */
  webhook: { sent: number; failed: number } | null;
  durationMs: number;
}

/** The webhook's JSON body. */
export interface AlertWebhookMessage {
  /** `opened`, `escalated` (warning -> critical), `resolved`. */
  event: 'opened' | 'escalated' | 'resolved';
  alert: MonitorAlert;
  source: 'groundwork';
}
