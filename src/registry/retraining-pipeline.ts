import { resolveGateSide, runEvalGate, type GateDocument } from '../eval/eval-gate.js';
import { GroundworkError } from '../errors.js';
import type { Groundwork } from '../groundwork.js';
import type { CanarySettingsInput } from './canary-settings.js';
import { loadTestEntry } from './load-test.js';
import { promoteEntry } from './promote-entry.js';
import type { LoadBenchmarkRecord, RegistryStore } from './registry-store.js';
import { retrainAnswerabilityFromFeedback, type RetrainedCandidate } from './retrain-from-feedback.js';
import type { Rollout } from './rollout-store.js';
import { retrainRankerFromFeedback } from './retrain-ranker-from-feedback.js';
import type { RetrainableKind } from './retrainable-kinds.js';

/** Options of one retrain -> gate -> canary cycle. */
export interface RetrainingOptions {
  tenant: string;
  /** Which model to retrain (default the answerability model). */
  kind?: RetrainableKind;
  /** BEIR datasets whose judgments join a ranker's training (`{dir, split}`). */
  datasets?: ReadonlyArray<{ dir: string; split: string }>;
  since: Date;
  /** Golden set of the gate and the load benchmark; without one the candidate stays in dev. */
  golden?: string;
  outDir?: string;
  /** Approval given in advance (a first or new-major model reaching production). */
  approve?: boolean;
  canary?: CanarySettingsInput;
  loadRequests?: number;
  /** Load benchmark concurrency and p95 limit (defaults: loadTestEntry's). */
  loadConcurrency?: number;
  loadMaxP95Ms?: number;
  now?: Date;
  codeVersion?: string;
}

/** How far a cycle got and why it stopped there. */
export interface RetrainingResult {
  candidate: RetrainedCandidate;
  stage: 'dev' | 'staging' | 'canary';
  gate?: Pick<GateDocument, 'passed' | 'reasons' | 'gateRecordId'> & { experiments: string[] };
  loadBenchmark?: LoadBenchmarkRecord;
  canary?: Rollout;
  /** Why it stopped before the canary (absent when the canary started). */
  stoppedBecause?: string;
}

/**
 * The retraining pipeline of the methodology (phase 7): retrain the answerability model or the
 * ranker from feedback (a candidate entry with its EXP record and model card; a ranker's judgments
 * join the golden set's), gate it against production on the golden set, promote it
 * to staging when the gate passes, load-test it, and promote it to production, which starts the
 * canary; the canary controller takes it from there (advance or roll back). No manual step unless
 * approval is required and not given in advance: then it waits in staging, and says so.
 */
export async function runRetrainingPipeline(base: Groundwork, registry: RegistryStore, options: RetrainingOptions): Promise<RetrainingResult> {
  const candidate =
    (options.kind ?? 'answerability-model') === 'ranker'
      ? await retrainRankerFromFeedback(base, registry, { ...options, goldens: options.golden ? [options.golden] : [] })
      : await retrainAnswerabilityFromFeedback(base, registry, options);
  if (!options.golden) return { candidate, stage: 'dev', stoppedBecause: 'no golden set configured (registry.retraining.golden): the eval gate cannot run, so the candidate stays in dev' };
  const gate = await runEvalGate(base, registry, {
    candidate: await resolveGateSide(registry, String(candidate.entry.id), options.tenant, 'candidate'),
    baseline: await resolveGateSide(registry, 'production', options.tenant, 'baseline'),
    goldens: [options.golden],
    tenant: options.tenant,
    codeVersion: options.codeVersion,
  });
  const gateSummary = { passed: gate.passed, reasons: gate.reasons, gateRecordId: gate.gateRecordId, experiments: gate.runs.flatMap((r) => [r.baselineExperiment, r.candidateExperiment]) };
  if (!gate.passed) return { candidate, stage: 'dev', gate: gateSummary, stoppedBecause: `eval gate failed: ${gate.reasons.join('; ')}` };
  await promoteEntry(registry, candidate.entry.id, 'staging', { actor: 'retraining', now: options.now });
  const entry = await registry.get(candidate.entry.id);
  const loadBenchmark = await loadTestEntry(registry, base, entry, { golden: options.golden, tenant: options.tenant, requests: options.loadRequests, concurrency: options.loadConcurrency, maxP95Ms: options.loadMaxP95Ms });
  if (!loadBenchmark.passed) return { candidate, stage: 'staging', gate: gateSummary, loadBenchmark, stoppedBecause: `load benchmark outside its limits (p95 ${loadBenchmark.figures.p95Ms} ms, error rate ${loadBenchmark.figures.errorRate})` };
  try {
    const promoted = await promoteEntry(registry, entry.id, 'production', { actor: 'retraining', approve: options.approve, canary: options.canary, now: options.now });
    return { candidate, stage: 'canary', gate: gateSummary, loadBenchmark, canary: promoted.canary };
  } catch (error) {
    if (error instanceof GroundworkError && error.code === 'CONFLICT') return { candidate, stage: 'staging', gate: gateSummary, loadBenchmark, stoppedBecause: error.message };
    throw error;
  }
}
