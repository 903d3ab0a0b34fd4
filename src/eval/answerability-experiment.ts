import { buildModelCard } from '../classic-ml/phases/model-card.js';
import type { AnswerabilityModel } from '../generate/answerability-model.js';
import type { MeanWithCI } from './bootstrap-ci.js';
import type { ExperimentInput } from './experiment-record.js';

/** Held-out and baseline figures a training run reports (summarize / confidenceBaseline results). */
export interface AnswerabilityEvaluation {
  heldOut?: { falseRefusal: MeanWithCI; refusal: MeanWithCI; rocAuc: number | null; brier: number; ece: number; rows: number };
  baseline?: { falseRefusal: MeanWithCI; refusal: MeanWithCI; threshold: number };
}

/**
 * The methodology's model card (Phase 9) for an answerability model, as Markdown: what it decides,
 * what it was trained on, its cross-validated and held-out figures and its limits.
 */
export function answerabilityModelCard(model: AnswerabilityModel, details: { name?: string; source: string; limitations?: string[] } ): string {
  const cv = model.evaluation.crossValidated as { falseRefusal?: MeanWithCI; refusal?: MeanWithCI; rocAuc?: number } | undefined;
  const heldOut = model.evaluation.heldOut as AnswerabilityEvaluation['heldOut'];
  const metrics: Record<string, number> = { threshold: model.operatingPoint.threshold, cv_false_refusal: model.operatingPoint.falseRefusal, cv_refusal: model.operatingPoint.refusal };
  if (cv?.rocAuc !== undefined) metrics.cv_roc_auc = cv.rocAuc;
  if (heldOut) Object.assign(metrics, { heldout_false_refusal: heldOut.falseRefusal.mean, heldout_refusal: heldOut.refusal.mean, heldout_brier: heldOut.brier, heldout_ece: heldOut.ece, ...(heldOut.rocAuc !== null ? { heldout_roc_auc: heldOut.rocAuc } : {}) });
  const { markdown } = buildModelCard(model.model, {
    modelName: details.name ?? 'groundwork answerability',
    version: `${model.version}.0.0`,
    date: model.trainedAt.slice(0, 10),
    owner: 'groundwork',
    description: `Calibrated (Platt) logistic regression deciding whether a question is answerable from its retrieved chunks; refuses below ${model.operatingPoint.threshold.toFixed(3)}, the operating point for a false-refusal budget of ${model.operatingPoint.maxFalseRefusal} on grouped ${model.training.folds}-fold cross-validation.`,
    intendedUse: 'generate.answerability.model: refuse before any answerer runs when the retrieved evidence does not answer the question.',
    outOfScopeUses: 'Judging whether an answer is correct or grounded; domains far from its training data without retraining (`groundwork answerability train`).',
    trainingData: { source: details.source, size: `${model.training.rows} questions (${model.training.answerable} answerable, ${model.training.unanswerable} unanswerable), ${model.training.groups} groups`, dateRange: model.trainedAt.slice(0, 10), knownBiases: 'English Wikipedia reading-comprehension questions written by crowd workers; unanswerable questions written to look answerable.' },
    evaluation: { metrics, datasets: Object.keys(model.training.dataHashes), slicedMetrics: {} },
    limitations: details.limitations ?? ['Features are lexical (BM25 coverage, answer types, guard mismatches): a paraphrased answer is under-scored.', 'The operating point holds for questions like the training ones; recalibrate on your own golden set.'],
    ethicalConsiderations: ['A refusal withholds an answer the documents may hold; the false-refusal budget bounds how often, on data like the training data.'],
    maintenance: { retrainingSchedule: 'when the corpus or the answerer changes; compare EXP records', monitoring: 'refusal rate and answerabilityScore distribution in --answers-file', contact: 'groundwork maintainers' },
  });
  return markdown;
}

/** The EXP record of a training run: its cross-validated and held-out figures, the data hashes and the config. */
export function answerabilityExperimentInput(model: AnswerabilityModel, options: { tenant: string; path: string; codeVersion: string; evaluation: AnswerabilityEvaluation; config: Record<string, unknown> }): ExperimentInput {
  const cv = model.evaluation.crossValidated as { falseRefusal: MeanWithCI; refusal: MeanWithCI };
  const metrics: Record<string, MeanWithCI> = { cv_false_refusal: cv.falseRefusal, cv_refusal: cv.refusal };
  if (options.evaluation.heldOut) Object.assign(metrics, { heldout_false_refusal: options.evaluation.heldOut.falseRefusal, heldout_refusal: options.evaluation.heldOut.refusal });
  if (options.evaluation.baseline) Object.assign(metrics, { baseline_false_refusal: options.evaluation.baseline.falseRefusal, baseline_refusal: options.evaluation.baseline.refusal });
  return {
    tenant: options.tenant,
    hypothesis: 'a calibrated classifier over retrieval and evidence features separates answerable from unanswerable questions better than the retrieval-confidence threshold at the same false-refusal budget',
    dataset: { kind: 'golden', path: options.path, hash: Object.values(model.training.dataHashes).join('+') || 'unknown' },
    config: { ...options.config, featureNames: model.featureNames, C: model.model.options.C, folds: model.training.folds, maxFalseRefusal: model.operatingPoint.maxFalseRefusal },
    codeVersion: options.codeVersion,
    metrics,
    counts: { rows: model.training.rows, answerable: model.training.answerable, unanswerable: model.training.unanswerable, groups: model.training.groups },
    verdict: 'iterate',
    perQuery: [],
  };
}
