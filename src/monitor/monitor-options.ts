import { z } from 'zod';
import { PSI_CRITICAL, PSI_WARNING, DEFAULT_DRIFT_ALPHA } from '../classic-ml/drift/drift-report.js';
import { MONITOR_WINDOWS } from './types.js';

/** Methodology phase 7: `error_rate_threshold: 0.01 # Alert if >1% errors`. */
export const ERROR_RATE_THRESHOLD = 0.01;
/**
 * Fewest samples on each side before a drift signal gets a verdict: PSI over 10 decile bins with
 * fewer than ~5 per bin is noise (the usual rule of thumb for binned tests).
 */
export const MIN_DRIFT_SAMPLES = 50;
/**
 * Rows drawn at random from each window for the drift tests: PSI's and KS's sampling error at
 * 5,000 is far below the 0.1 warning threshold, and the tests stay cheap at millions of rows.
 */
export const DRIFT_SAMPLE_SIZE = 5_000;

const isoTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), { message: 'expected an ISO 8601 date or time' });

/** The reference window drift is measured against. */
export const monitorReferenceSchema = z.discriminatedUnion('kind', [
  /** The `days` before the current window starts (default: the previous 7 days). */
  z.object({ kind: z.literal('previous'), days: z.number().positive().max(365).default(7) }).strict(),
  /** A fixed range, e.g. a week known to be healthy. */
  z
    .object({ kind: z.literal('pinned'), from: isoTime, to: isoTime })
    .strict()
    .refine((range) => Date.parse(range.from) < Date.parse(range.to), { message: 'from must be before to' }),
  /** The `days` after the last promotion in the model registry (the methodology's "week after deploy"). */
  z.object({ kind: z.literal('after-promotion'), days: z.number().positive().max(365).default(7) }).strict(),
]);

/** Alert thresholds (defaults: the methodology's phase 7). */
export const monitorThresholdsSchema = z
  .object({
    psiWarning: z.number().positive().default(PSI_WARNING),
    psiCritical: z.number().positive().default(PSI_CRITICAL),
    /** Chi-square (query terms) warns when p < alpha. */
    alpha: z.number().gt(0).lt(1).default(DEFAULT_DRIFT_ALPHA),
    errorRate: z.number().min(0).max(1).default(ERROR_RATE_THRESHOLD),
    /** Latency alerts (none by default: the methodology leaves them to the service's SLO). */
    p95Ms: z.number().positive().optional(),
    p99Ms: z.number().positive().optional(),
    minSamples: z.number().int().min(2).default(MIN_DRIFT_SAMPLES),
  })
  .strict()
  .refine((t) => t.psiWarning < t.psiCritical, { message: 'psiWarning must be below psiCritical' });

/** `monitor` section of the config: telemetry, checks and alerts. */
export const monitorOptionsSchema = z
  .object({
    /** Record telemetry and run the checks on `serve` (the library records only when given a telemetry writer). */
    enabled: z.boolean().default(true),
    /** Telemetry rows and rollups older than this are deleted by the check job. */
    retentionDays: z.number().int().min(1).max(3650).default(30),
    /** Buffered rows are written at least this often. */
    flushIntervalMs: z.number().int().min(10).max(600_000).default(1_000),
    /** Rows held in memory (waiting or being written); beyond it new rows are dropped and counted. */
    bufferSize: z.number().int().min(1).max(1_000_000).default(10_000),
    /** Windows the checks evaluate. */
    windows: z.array(z.enum(MONITOR_WINDOWS)).min(1).default(['1h', '1d']),
    reference: monitorReferenceSchema.default({ kind: 'previous', days: 7 }),
    /** Alerts are POSTed here as JSON (opened, escalated, resolved). */
    webhookUrl: z.string().url().optional(),
    /** How often `serve` runs the checks. */
    checkIntervalMs: z.number().int().min(1_000).default(300_000),
    sampleSize: z.number().int().min(100).max(1_000_000).default(DRIFT_SAMPLE_SIZE),
    thresholds: monitorThresholdsSchema.prefault({}),
  })
  .strict();

export type MonitorOptions = z.infer<typeof monitorOptionsSchema>;
export type MonitorOptionsInput = z.input<typeof monitorOptionsSchema>;
export type MonitorThresholds = z.infer<typeof monitorThresholdsSchema>;
export type MonitorReference = z.infer<typeof monitorReferenceSchema>;
