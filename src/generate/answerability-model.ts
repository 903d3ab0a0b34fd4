import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { logisticRegressionModelSchema, predictProbaRow, sigmoid } from '../classic-ml/models/logistic-regression.js';
import { ConfigError } from '../errors.js';
import type { RetrievedChunk } from '../retrieve/types.js';
import { ANSWERABILITY_FEATURES, answerabilityFeatures, featureVector, type AnswerabilityFeatures } from './answerability-features.js';

/** Format version of the artifact; bump when a field changes meaning. */
export const ANSWERABILITY_MODEL_VERSION = 1;

/**
 * The extractive answerer's coverage floor once the model has decided to answer: the model is the
 * answer-or-refuse decision, so the floor (EXTRACTIVE_MIN_COVERAGE, 0.5, without a model) only keeps
 * sentences sharing an incidental word out. Chosen on the tuning articles of bench/answers.ts
 * (`--part tuning --sample 400`, never the held-out ones) among 0, 0.15, 0.3 and 0.5: false refusal
 * 0.125, 0.133, 0.159, 0.333 against refusal of the unanswerable 0.19, 0.19, 0.31, 0.88 (16
 * unanswerable questions in that sample: a coarse choice).
 */
export const ANSWERABILITY_EXTRACTIVE_MIN_COVERAGE = 0.3;

/**
 * The extractive answerer's options once the model has decided to answer (any score at or above the
 * operating point): the lower coverage floor. A second, higher score for the lower floor was tried
 * on the tuning articles (0.7: false refusal 0.216, refusal 0.56; 0.8: 0.266, 0.75) and left out:
 * one operating point, chosen for the false-refusal budget, is the decision.
 */
export function extractiveOverrides(_score: number): { minCoverage: number } {
  return { minCoverage: ANSWERABILITY_EXTRACTIVE_MIN_COVERAGE };
}

/** The model that ships with the package (scripts/train-answerability.ts writes it). */
export const DEFAULT_ANSWERABILITY_MODEL_PATH = fileURLToPath(new URL('../../models/answerability/default.json', import.meta.url));

const metricSchema = z.object({ mean: z.number(), lower: z.number(), upper: z.number(), n: z.number().int() });

/** The saved answer-or-refuse model (JSON): a logistic regression on standardized features, Platt-calibrated. */
export const answerabilityModelSchema = z.object({
  kind: z.literal('groundwork-answerability-model'),
  version: z.literal(ANSWERABILITY_MODEL_VERSION),
  trainedAt: z.string(),
  featureNames: z.array(z.string()).min(1),
  standardization: z.object({ means: z.array(z.number()), stds: z.array(z.number()) }),
  model: logisticRegressionModelSchema,
  /** P(answerable) = sigmoid(a * logit + b), fitted on out-of-fold logits. */
  calibration: z.object({ method: z.literal('platt'), a: z.number(), b: z.number() }),
  /** Refuse below `threshold`: the calibrated score at which cross-validated false refusal stays within `maxFalseRefusal`. */
  operatingPoint: z.object({ threshold: z.number().min(0).max(1), maxFalseRefusal: z.number().min(0).max(1), falseRefusal: z.number(), refusal: z.number() }),
  training: z.object({
    rows: z.number().int().positive(),
    answerable: z.number().int(),
    unanswerable: z.number().int(),
    groups: z.number().int(),
    folds: z.number().int(),
    /** True when rows were weighted in the fits (TrainAnswerabilityOptions.weights). */
    weighted: z.boolean().optional(),
    seed: z.number().int().optional(),
    /** SHA-256 of each training input (golden files, corpora), by name. */
    dataHashes: z.record(z.string(), z.string()),
    sources: z.array(z.string()).default([]),
  }),
  /** Cross-validated and held-out figures, for the model card. */
  evaluation: z.record(z.string(), z.union([metricSchema, z.number(), z.array(z.unknown()), z.record(z.string(), z.unknown())])).default({}),
});
/** A saved answer-or-refuse model. */
export type AnswerabilityModel = z.infer<typeof answerabilityModelSchema>;

/** A loaded model's decision for one question. */
export interface AnswerabilityDecision {
  /** Calibrated probability that the question is answerable from the retrieved chunks. */
  score: number;
  answer: boolean;
  features: AnswerabilityFeatures;
}

/** Calibrated P(answerable) for one feature vector. */
export function scoreAnswerability(model: AnswerabilityModel, features: AnswerabilityFeatures): number {
  const row = featureVector(features, model.featureNames).map((value, j) => (value - model.standardization.means[j]) / model.standardization.stds[j]);
  const probability = predictProbaRow(model.model, row);
  const logit = Math.log(Math.max(probability, 1e-12) / Math.max(1 - probability, 1e-12));
  return sigmoid(model.calibration.a * logit + model.calibration.b);
}

/**
 * Decides answer or refuse for one question over its retrieved chunks: the features, the calibrated
 * score, and whether it reaches the operating point.
 * @example decideAnswerability(model, 'How much is the per diem?', retrieval.chunks, retrieval.confidence).answer
 */
export function decideAnswerability(model: AnswerabilityModel, question: string, chunks: readonly RetrievedChunk[], confidence: number): AnswerabilityDecision {
  const features = answerabilityFeatures(question, chunks, confidence);
  const score = scoreAnswerability(model, features);
  return { score, answer: score >= model.operatingPoint.threshold, features };
}

/** Validates parsed JSON as an answerability model; `where` names the source in the error. */
export function parseAnswerabilityModel(json: unknown, where = 'generate.answerability.model'): AnswerabilityModel {
  const parsed = answerabilityModelSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(where, '(file contents)', `an answerability model: ${issue?.path.join('.')} ${issue?.message}`);
  }
  const model = parsed.data;
  const known = new Set<string>(ANSWERABILITY_FEATURES);
  const unknown = model.featureNames.filter((name) => !known.has(name));
  if (unknown.length > 0) throw new ConfigError(where, unknown.join(', '), `features this version computes (${ANSWERABILITY_FEATURES.join(', ')})`);
  return model;
}

/**
 * Loads the configured model: `default` (the packaged one), a file path, or `off` (undefined).
 * Read synchronously once, when groundwork is created.
 */
export function loadAnswerabilityModel(setting: string): AnswerabilityModel | undefined {
  if (setting === 'off') return undefined;
  const path = setting === 'default' ? DEFAULT_ANSWERABILITY_MODEL_PATH : setting;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('generate.answerability.model', setting, `a readable model file, \`default\` or \`off\` (${(error as Error).message})`);
  }
  try {
    return parseAnswerabilityModel(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) throw new ConfigError('generate.answerability.model', setting, `a JSON file (${error.message})`);
    throw error;
  }
}
