import { createHash } from 'node:crypto';
import { fitLogisticRegression, predictProbaRow } from '../classic-ml/models/logistic-regression.js';
import { calibration as reliability, brierScore } from '../classic-ml/metrics/probability-scores.js';
import { rocAuc } from '../classic-ml/metrics/ranking-scores.js';
import { bootstrapCI, type MeanWithCI } from '../eval/bootstrap-ci.js';
import { InputError } from '../errors.js';
import { DEFAULT_MAX_FALSE_REFUSAL } from './generate-options.js';
import { ANSWERABILITY_FEATURES, featureVector, type AnswerabilityFeatures } from './answerability-features.js';
import { ANSWERABILITY_MODEL_VERSION, scoreAnswerability, type AnswerabilityModel } from './answerability-model.js';

/** Folds of the grouped cross-validation that the calibration and the operating point are fitted on. */
export const ANSWERABILITY_FOLDS = 5;
/**
 * Inverse L2 strength on standardized features. Strong (scikit-learn's default is 1): on the
 * squad2-train-sample training articles, grouped 5-fold ROC AUC was 0.801, 0.796, 0.785, 0.779 at
 * C = 0.001, 0.01, 0.1, 10 (a few articles, many correlated coverage features: shrinkage transfers better).
 */
export const ANSWERABILITY_C = 0.01;
/** Platt scaling fits two parameters on thousands of rows: practically unpenalized. */
const PLATT_C = 1e4;
/** Fewest rows of each class: below this, a 22-feature fit and its operating point are noise. */
export const MIN_ROWS_PER_CLASS = 10;

/** One training question: its features, whether it is answerable from the corpus, and its group (article, document). */
export interface AnswerabilityRow {
  id: string;
  group: string;
  answerable: boolean;
  features: AnswerabilityFeatures;
}

/** What the decision does at one threshold: refusal of unanswerable and false refusal of answerable rows. */
export interface DecisionRates {
  threshold: number;
  falseRefusal: MeanWithCI;
  refusal: MeanWithCI;
}

interface RawFit {
  means: number[];
  stds: number[];
  model: ReturnType<typeof fitLogisticRegression>;
}

/** Rows repeated by their integer weight: the project's logistic regression takes no sample weights. */
function replicate<T>(values: readonly T[], weights: readonly number[] | undefined): T[] {
  return weights === undefined ? [...values] : values.flatMap((value, i) => Array<T>(weights[i]).fill(value));
}

function fitRaw(x: number[][], y: (0 | 1)[], C: number): RawFit {
  const width = x[0].length;
  const means = Array.from({ length: width }, (_, j) => x.reduce((s, row) => s + row[j], 0) / x.length);
  const stds = means.map((mean, j) => Math.sqrt(x.reduce((s, row) => s + (row[j] - mean) ** 2, 0) / x.length) || 1);
  const model = fitLogisticRegression(x.map((row) => row.map((v, j) => (v - means[j]) / stds[j])), y, { C, featureNames: [...ANSWERABILITY_FEATURES] });
  return { means, stds, model };
}

function logitOf(fit: RawFit, row: readonly number[]): number {
  const p = predictProbaRow(fit.model, row.map((v, j) => (v - fit.means[j]) / fit.stds[j]));
  return Math.log(Math.max(p, 1e-12) / Math.max(1 - p, 1e-12));
}

/** Groups into `folds` folds, round-robin in SHA-256 order of their names: deterministic, no seed, one group never in two folds. */
export function groupFolds(groups: readonly string[], folds: number): Map<string, number> {
  const ordered = [...new Set(groups)].map((group) => ({ group, key: createHash('sha256').update(group).digest('hex') })).sort((a, b) => a.key.localeCompare(b.key));
  return new Map(ordered.map(({ group }, index) => [group, index % folds]));
}

/**
 * The refusal threshold for a false-refusal budget: the highest score at which at most
 * `maxFalseRefusal` of the answerable rows score below it (refuse when score < threshold).
 */
export function operatingThreshold(scores: readonly number[], answerable: readonly boolean[], maxFalseRefusal: number): number {
  const positives = scores.filter((_, i) => answerable[i]).sort((a, b) => a - b);
  if (positives.length === 0) throw new InputError('rows', 'no answerable rows to set a false-refusal budget on');
  const allowed = Math.floor(maxFalseRefusal * positives.length);
  return allowed >= positives.length ? 1 : positives[allowed];
}

/** Refusal of the unanswerable and false refusal of the answerable at a threshold, with seeded bootstrap intervals. */
export function decisionRates(scores: readonly number[], answerable: readonly boolean[], threshold: number, seed = 42): DecisionRates {
  const refusedAnswerable = scores.filter((_, i) => answerable[i]).map((score) => (score < threshold ? 1 : 0));
  const refusedUnanswerable = scores.filter((_, i) => !answerable[i]).map((score) => (score < threshold ? 1 : 0));
  const ci = (values: number[]) => (values.length > 0 ? bootstrapCI(values, { seed, resamples: 2000 }) : { mean: 0, lower: 0, upper: 0, n: 0 });
  return { threshold, falseRefusal: ci(refusedAnswerable), refusal: ci(refusedUnanswerable) };
}

/** Options of trainAnswerability. */
export interface TrainAnswerabilityOptions {
  maxFalseRefusal?: number;
  folds?: number;
  C?: number;
  seed?: number;
  /**
   * Integer weight per row (default 1), applied to the fits by repeating rows: so a rare kind of
   * unanswerable question is not outvoted by a common one. Rates and the operating point count each row once.
   */
  weights?: readonly number[];
  dataHashes?: Record<string, string>;
  sources?: string[];
  now?: Date;
}

/** A trained model with its out-of-fold scores (what its calibration and operating point were fitted on). */
export interface TrainedAnswerability {
  model: AnswerabilityModel;
  /** Calibrated out-of-fold score per row, in row order. */
  crossValidatedScores: number[];
}

/**
 * Trains the answer-or-refuse model: logistic regression (classic-ml, L-BFGS) on standardized
 * features; grouped K-fold cross-validation (a group's rows never on both sides) gives out-of-fold
 * logits, on which Platt scaling is fitted and the operating point is chosen for the false-refusal
 * budget; the final coefficients are fitted on every row.
 * @example trainAnswerability(rows, { maxFalseRefusal: 0.05 }).model.operatingPoint.threshold
 */
export function trainAnswerability(rows: readonly AnswerabilityRow[], options: TrainAnswerabilityOptions = {}): TrainedAnswerability {
  const budget = options.maxFalseRefusal ?? DEFAULT_MAX_FALSE_REFUSAL;
  if (!(budget >= 0 && budget < 1)) throw new InputError('maxFalseRefusal', `must be in [0, 1), got ${budget}`);
  const C = options.C ?? ANSWERABILITY_C;
  const answerable = rows.map((row) => row.answerable);
  const positives = answerable.filter(Boolean).length;
  if (positives < MIN_ROWS_PER_CLASS || rows.length - positives < MIN_ROWS_PER_CLASS) {
    throw new InputError('rows', `${positives} answerable and ${rows.length - positives} unanswerable questions; need at least ${MIN_ROWS_PER_CLASS} of each`);
  }
  const groupCount = new Set(rows.map((row) => row.group)).size;
  const folds = Math.min(options.folds ?? ANSWERABILITY_FOLDS, groupCount);
  if (folds < 2) throw new InputError('rows', `${groupCount} group(s); grouped cross-validation needs at least 2`);
  const weights = options.weights;
  if (weights !== undefined && (weights.length !== rows.length || weights.some((w) => !Number.isInteger(w) || w < 1))) {
    throw new InputError('weights', `one integer >= 1 per row (${rows.length} rows)`);
  }
  const x = rows.map((row) => featureVector(row.features));
  const y = answerable.map((value) => (value ? 1 : 0) as 0 | 1);

  const foldOf = groupFolds(rows.map((row) => row.group), folds);
  const outOfFold = new Array<number>(rows.length).fill(0);
  for (let fold = 0; fold < folds; fold++) {
    const train = rows.flatMap((row, i) => (foldOf.get(row.group) === fold ? [] : [i]));
    const test = rows.flatMap((row, i) => (foldOf.get(row.group) === fold ? [i] : []));
    if (test.length === 0) continue;
    const trainY = train.map((i) => y[i]);
    if (!trainY.includes(0) || !trainY.includes(1)) throw new InputError('rows', `fold ${fold + 1} of ${folds} trains on one class only; add questions of both kinds to more groups`);
    const trainWeights = weights && train.map((i) => weights[i]);
    const fit = fitRaw(replicate(train.map((i) => x[i]), trainWeights), replicate(trainY, trainWeights), C);
    for (const i of test) outOfFold[i] = logitOf(fit, x[i]);
  }
  const platt = fitLogisticRegression(replicate(outOfFold.map((logit) => [logit]), weights), replicate(y, weights), { C: PLATT_C });
  const a = platt.coefficients[0];
  if (!(a > 0)) throw new InputError('rows', 'the features do not separate answerable from unanswerable questions out of fold (Platt slope <= 0)');
  const calibrated = outOfFold.map((logit) => 1 / (1 + Math.exp(-(a * logit + platt.intercept))));
  const threshold = operatingThreshold(calibrated, answerable, budget);
  const rates = decisionRates(calibrated, answerable, threshold, options.seed);

  const final = fitRaw(replicate(x, weights), replicate(y, weights), C);
  const model: AnswerabilityModel = {
    kind: 'groundwork-answerability-model',
    version: ANSWERABILITY_MODEL_VERSION,
    trainedAt: (options.now ?? new Date()).toISOString(),
    featureNames: [...ANSWERABILITY_FEATURES],
    standardization: { means: final.means, stds: final.stds },
    model: final.model,
    calibration: { method: 'platt', a, b: platt.intercept },
    operatingPoint: { threshold, maxFalseRefusal: budget, falseRefusal: rates.falseRefusal.mean, refusal: rates.refusal.mean },
    training: {
      rows: rows.length,
      answerable: positives,
      unanswerable: rows.length - positives,
      groups: groupCount,
      folds,
      ...(weights !== undefined ? { weighted: true } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      dataHashes: options.dataHashes ?? {},
      sources: options.sources ?? [],
    },
    evaluation: { crossValidated: summarize(calibrated, answerable, threshold, options.seed) },
  };
  return { model, crossValidatedScores: calibrated };
}

/**
 * The figures a report shows for scores against labels at a threshold: false refusal and refusal
 * with intervals, ROC AUC, Brier score, expected calibration error and the reliability table.
 */
export function summarize(scores: readonly number[], answerable: readonly boolean[], threshold: number, seed?: number) {
  const y = answerable.map((value) => (value ? 1 : 0) as 0 | 1);
  const rates = decisionRates(scores, answerable, threshold, seed);
  const table = reliability(y, scores, 10);
  const bothClasses = y.includes(0) && y.includes(1);
  return {
    rows: scores.length,
    threshold,
    falseRefusal: rates.falseRefusal,
    refusal: rates.refusal,
    rocAuc: bothClasses ? rocAuc(y, scores) : null,
    brier: brierScore(y, scores),
    ece: table.ece,
    reliability: table.bins.filter((bin) => bin.count > 0).map((bin) => ({ bin: `${bin.lower.toFixed(1)}-${bin.upper.toFixed(1)}`, count: bin.count, predicted: bin.meanPredicted, observed: bin.observedRate })),
  };
}

/** Scores rows with a trained model and summarizes them at its operating point (held-out evaluation). */
export function evaluateAnswerability(model: AnswerabilityModel, rows: readonly AnswerabilityRow[], seed?: number) {
  const scores = rows.map((row) => scoreAnswerability(model, row.features));
  return summarize(scores, rows.map((row) => row.answerable), model.operatingPoint.threshold, seed);
}

/**
 * The baseline the model has to beat: refuse below a retrieval-confidence threshold chosen on the
 * training rows for the same false-refusal budget, applied to `evaluation` rows.
 */
export function confidenceBaseline(training: readonly AnswerabilityRow[], evaluation: readonly AnswerabilityRow[], maxFalseRefusal: number, seed?: number): DecisionRates {
  const confidence = (rows: readonly AnswerabilityRow[]) => rows.map((row) => row.features.retrieval_confidence);
  const threshold = operatingThreshold(confidence(training), training.map((row) => row.answerable), maxFalseRefusal);
  return decisionRates(confidence(evaluation), evaluation.map((row) => row.answerable), threshold, seed);
}
