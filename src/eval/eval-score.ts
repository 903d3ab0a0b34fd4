import { bootstrapCI, type MeanWithCI, type ResamplingOptions } from './bootstrap-ci.js';
import { readQrels } from './qrels.js';
import { scoreRun, type MissingQueryPolicy, type ScoreRunResult } from './score-run.js';
import { readTrecRun } from './trec-run.js';

export interface EvalScoreOptions extends ResamplingOptions {
  runFile: string;
  qrelsFile: string;
  k?: number;
  missingQueries?: MissingQueryPolicy;
}

/** The JSON document `groundwork eval score --json` prints. */
export interface EvalScoreDocument {
  run: string;
  qrels: string;
  k: number;
  /** Metric name -> mean with its seeded bootstrap interval over the evaluated queries. */
  metrics: Record<string, MeanWithCI>;
  counts: ScoreRunResult['counts'];
  /** Per query: id plus one value per metric. */
  perQuery: Array<{ queryId: string } & Record<string, number | string>>;
  resampling: { seed: number; resamples: number; confidence: number };
}

/** Default cutoff of `eval score` and `eval run` (BEIR reports nDCG@10). */
export const DEFAULT_K = 10;

/** Scores a TREC run file against TREC or BEIR qrels, like trec_eval, with bootstrap intervals. */
export async function evalScore(options: EvalScoreOptions): Promise<EvalScoreDocument> {
  const k = options.k ?? DEFAULT_K;
  const [run, qrels] = await Promise.all([readTrecRun(options.runFile), readQrels(options.qrelsFile)]);
  const scored = scoreRun(run, qrels, { k, missingQueries: options.missingQueries });
  const resampling = { seed: options.seed ?? 42, resamples: options.resamples ?? 10_000, confidence: options.confidence ?? 0.95 };
  const metrics: Record<string, MeanWithCI> = {};
  for (const name of Object.keys(scored.means)) {
    metrics[name] =
      scored.perQuery.length === 0 ? { mean: 0, lower: 0, upper: 0, n: 0 } : bootstrapCI(scored.perQuery.map((row) => row.metrics[name]), resampling);
  }
  return {
    run: options.runFile,
    qrels: options.qrelsFile,
    k,
    metrics,
    counts: scored.counts,
    perQuery: scored.perQuery.map((row) => ({ queryId: row.queryId, ...row.metrics })),
    resampling,
  };
}
