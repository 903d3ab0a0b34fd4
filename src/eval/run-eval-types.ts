import type { RetrievalMode } from '../retrieve/types.js';
import type { MeanWithCI, ResamplingOptions } from './bootstrap-ci.js';
import type { RefusalCalibration } from './calibrate-refusal.js';
import type { Verdict } from './experiment-record.js';
import type { PairedTestResult } from './paired-test.js';
import type { SegmentStats } from './segment-breakdown.js';

/** Progress of an eval run, for a progress bar on stderr. */
export interface EvalRunProgress {
  phase: 'ingest' | 'queries';
  done: number;
  total?: number;
  detail: string;
}

/** Options shared by the BEIR and golden-set runs. */
export interface EvalRunOptions extends ResamplingOptions {
  /** Retrieval mode (default: the configured one). */
  mode?: RetrievalMode;
  /** Documents returned per query and the cutoff of the IR metrics besides 10 (default: eval.k). */
  k?: number;
  /** Tenant to evaluate in (BEIR default: `eval-<dataset dir>`; golden default: the configured tenant). */
  tenant?: string;
  hypothesis?: string;
  /** Experiment to compare against (paired test per metric); decides the verdict. */
  baselineId?: string;
  /** Write a TREC run file here (up to k documents per query). */
  runFile?: string;
  /** Recorded with the experiment as its code version (default: resolveCodeVersion()). */
  codeVersion?: string;
  onProgress?: (progress: EvalRunProgress) => void;
}

/** A BEIR-layout dataset run. */
export interface BeirEvalOptions extends EvalRunOptions {
  dataset: string;
  split?: string;
  /** Keep hits whose document id equals the query id (default: dropped, as BEIR's ignore_identical_ids). */
  keepIdenticalIds?: boolean;
}

/** A golden-set run over already-ingested documents. */
export interface GoldenEvalOptions extends EvalRunOptions {
  golden: string;
}

/** One query's result as stored in the experiment (details feed `eval report`). */
export interface EvalQueryRow {
  queryId: string;
  metrics: Record<string, number>;
  details: Record<string, unknown>;
}

/** Per-query latency summary in milliseconds. */
export interface LatencySummary {
  n: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/**
 * What `groundwork eval run --json` prints: one document per run. `metrics` hold seeded bootstrap
 * intervals; `comparison` holds a paired test per metric against `--baseline`.
 */
export interface EvalRunDocument {
  experimentId: string;
  dataset: { kind: 'beir' | 'golden'; path: string; split?: string; hash: string; queries: number };
  tenant: string;
  mode: RetrievalMode;
  primaryMetric: string;
  metrics: Record<string, MeanWithCI>;
  counts: Record<string, number>;
  latency: LatencySummary;
  comparison?: { baselineId: string; queries: number; metrics: Record<string, PairedTestResult> };
  verdict: Verdict;
  /** How the verdict was decided, in words. */
  verdictReason: string;
  /** Golden runs: the fitted refusal threshold (refuse when retrieval confidence is below it). */
  refusalCalibration?: Pick<RefusalCalibration, 'threshold' | 'best'> & { current: number; rows: number };
  /** Golden runs with segments: per-segment means and intervals. */
  segments?: SegmentStats[];
  runFile?: string;
  /** BEIR runs: whether hits whose document id equals the query id were dropped (ignore_identical_ids), and how many. */
  identicalIds?: { ignored: boolean; dropped: number };
  notices: string[];
  durationMs: number;
}
