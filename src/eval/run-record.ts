import type { Groundwork } from '../groundwork.js';
import type { RetrievalMode } from '../retrieve/types.js';
import { resolveCodeVersion } from './code-version.js';
import { createExperimentStore } from './experiment-store.js';
import { evalOptionsSchema, type EvalOptions } from './eval-options.js';
import type { EvalQueryRow, EvalRunDocument, EvalRunOptions } from './run-eval-types.js';
import { summarizeLatency, summarizeMetrics } from './run-metrics.js';
import { compareWithBaseline, decideVerdict, type BaselineComparison } from './run-verdict.js';

/** What a finished run hands to `recordEvalRun`. */
export interface FinishedRun {
  kind: 'beir' | 'golden';
  dataset: { path: string; split?: string; hash: string; queries: number };
  tenant: string;
  mode: RetrievalMode;
  primaryMetric: string;
  metricNames: string[];
  rows: EvalQueryRow[];
  counts: Record<string, number>;
  latenciesMs: number[];
  /** Run settings recorded beside the resolved configuration (k, cutoffs, ingest fingerprint...). */
  settings: Record<string, unknown>;
  notices: string[];
  startedAt: number;
  runFile?: string;
  refusalCalibration?: EvalRunDocument['refusalCalibration'];
}

/**
 * The eval options in force: the config's `eval` section once the config composes
 * `evalOptionsSchema`, its defaults until then; explicit resampling options win.
 */
export function resolveEvalOptions(gw: Pick<Groundwork, 'config'>, options: EvalRunOptions = {}): EvalOptions {
  const section = (gw.config as unknown as { eval?: unknown }).eval;
  const parsed = evalOptionsSchema.parse(section ?? {});
  return {
    ...parsed,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
    ...(options.confidence !== undefined ? { confidence: options.confidence } : {}),
  };
}

/** The resolved configuration as recorded: everything, with a database password masked. */
export function recordableConfig(config: Groundwork['config']): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  if (typeof copy.databaseUrl === 'string') {
    try {
      const url = new URL(copy.databaseUrl);
      if (url.password) url.password = '***';
      copy.databaseUrl = url.toString();
    } catch {
      // The config schema already checked it is a URL; keep it as is if URL parsing still disagrees.
    }
  }
  return copy;
}

/**
 * Computes intervals, compares with the baseline, decides the verdict and records the experiment
 * (`EXP-YYYY-MM-DD-NNN`) in the groundwork database. Returns the `eval run --json` document.
 */
export async function recordEvalRun(gw: Groundwork, run: FinishedRun, options: EvalRunOptions): Promise<EvalRunDocument> {
  const evalOptions = resolveEvalOptions(gw, options);
  const resampling = { seed: evalOptions.seed, resamples: evalOptions.resamples, confidence: evalOptions.confidence };
  const store = createExperimentStore(gw.db);
  const metrics = summarizeMetrics(run.rows, run.metricNames, resampling);
  let comparison: BaselineComparison | undefined;
  if (options.baselineId !== undefined) {
    const baseline = await store.get(options.baselineId);
    comparison = compareWithBaseline(baseline, run.dataset.hash, run.rows, resampling);
  }
  const decision = decideVerdict(comparison, run.primaryMetric, resampling.confidence);
  const latency = summarizeLatency(run.latenciesMs);
  const counts = { ...run.counts, queries: run.dataset.queries };
  const record = await store.create({
    tenant: run.tenant,
    hypothesis: options.hypothesis,
    dataset: { kind: run.kind, path: run.dataset.path, split: run.dataset.split, hash: run.dataset.hash },
    config: {
      ...recordableConfig(gw.config),
      eval: { ...evalOptions, ...run.settings, mode: run.mode, primaryMetric: run.primaryMetric, metrics: run.metricNames },
      ...(gw.embedder ? { embedder: gw.embedder.id } : {}),
      chatModel: gw.chatModel.id,
    },
    codeVersion: options.codeVersion ?? (await resolveCodeVersion()),
    metrics,
    counts,
    baselineId: options.baselineId,
    comparison: comparison?.metrics,
    verdict: decision.verdict,
    notes: decision.reason,
    perQuery: run.rows,
  });
  return {
    experimentId: record.id,
    dataset: { kind: run.kind, path: run.dataset.path, ...(run.dataset.split ? { split: run.dataset.split } : {}), hash: run.dataset.hash, queries: run.dataset.queries },
    tenant: run.tenant,
    mode: run.mode,
    primaryMetric: run.primaryMetric,
    metrics,
    counts,
    latency,
    ...(comparison ? { comparison } : {}),
    verdict: decision.verdict,
    verdictReason: decision.reason,
    ...(run.refusalCalibration ? { refusalCalibration: run.refusalCalibration } : {}),
    ...(run.runFile ? { runFile: run.runFile } : {}),
    notices: run.notices,
    durationMs: Math.round(performance.now() - run.startedAt),
  };
}
