import { z } from 'zod';
import { ConfigError, InputError } from '../errors.js';
import { fitLogisticRegression, sigmoid } from '../classic-ml/models/logistic-regression.js';
import type { SuccessPredictor } from './success-predictor.js';

/** One per-query eval result: the features the router saw, whether the answer was correct, and (optionally) which model gave it. */
export interface RouterTrainingRow {
  features: Record<string, number>;
  correct: boolean;
  /** Model id; rows without one train the pooled `*` model used for models without their own. */
  model?: string;
}

/** One model's fit: coefficients on standardized features ((x - mean) / std). */
const logisticSchema = z.object({
  weights: z.array(z.number()),
  intercept: z.number(),
  means: z.array(z.number()),
  stds: z.array(z.number()),
  C: z.number().positive(),
  rows: z.number().int().positive(),
  positives: z.number().int().nonnegative(),
  trainAccuracy: z.number(),
});

/** The saved predictor (JSON). `models` maps a model id (or `*` for pooled rows) to its fit. */
export const routerPredictorModelSchema = z.object({
  kind: z.literal('groundwork-router-predictor'),
  version: z.literal(1),
  trainedAt: z.string(),
  featureNames: z.array(z.string()).min(1),
  models: z.record(z.string(), logisticSchema),
});
export type RouterPredictorModel = z.infer<typeof routerPredictorModelSchema>;

/** Fewest rows per model to fit: below this a 6-feature logistic regression is mostly noise. */
export const MIN_ROWS_PER_MODEL = 30;

/** Inverse L2 strength on standardized features: scikit-learn's default C = 1. */
export const ROUTER_PREDICTOR_C = 1;

/** One fitted model's standardization and coefficients. */
type Fit = z.infer<typeof logisticSchema>;

/** P(correct) for one raw feature vector. */
function predictFit(fit: Fit, row: readonly number[]): number {
  let sum = fit.intercept;
  for (let j = 0; j < fit.weights.length; j++) sum += fit.weights[j] * ((row[j] - fit.means[j]) / fit.stds[j]);
  return sigmoid(sum);
}

/** Standardizes the columns, then fits with classic-ml's L-BFGS logistic regression. */
function fitStandardized(x: number[][], y: (0 | 1)[], key: string, C: number): Fit {
  const width = x[0].length;
  const means = Array.from({ length: width }, (_, j) => x.reduce((s, row) => s + row[j], 0) / x.length);
  const stds = means.map((mean, j) => Math.sqrt(x.reduce((s, row) => s + (row[j] - mean) ** 2, 0) / x.length) || 1);
  const positives = y.reduce<number>((s, v) => s + v, 0);
  if (positives === 0 || positives === y.length) {
    throw new InputError(`rows (model ${key})`, `every answer is ${positives === 0 ? 'wrong' : 'correct'}; a predictor needs both outcomes to learn from`);
  }
  const model = fitLogisticRegression(x.map((row) => row.map((v, j) => (v - means[j]) / stds[j])), y, { C });
  const fit: Fit = { weights: model.coefficients, intercept: model.intercept, means, stds, C, rows: x.length, positives, trainAccuracy: 0 };
  const correct = x.filter((row, i) => (predictFit(fit, row) >= 0.5 ? 1 : 0) === y[i]).length;
  return { ...fit, trainAccuracy: correct / x.length };
}

/**
 * Trains the success predictor from per-query eval rows: one logistic regression per model id
 * (and one pooled `*` fit for rows without a model), with classic-ml's fitLogisticRegression on
 * standardized features. Feature names are the union of the rows'
 * keys; a row missing a feature is an error (no silent zero-fill).
 * @example trainRouterPredictor(rows.map((r) => ({ features: r.features, correct: r.correct, model: r.model })))
 */
export function trainRouterPredictor(rows: readonly RouterTrainingRow[], options: { C?: number; now?: Date } = {}): RouterPredictorModel {
  if (rows.length === 0) throw new InputError('rows', 'no per-query results to train on');
  const featureNames = [...new Set(rows.flatMap((r) => Object.keys(r.features)))].sort();
  const groups = new Map<string, { x: number[][]; y: (0 | 1)[] }>();
  rows.forEach((row, index) => {
    const vector = featureNames.map((name) => {
      const value = row.features[name];
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new InputError(`rows[${index}].features.${name}`, `expected a finite number, got ${JSON.stringify(value)}`);
      return value;
    });
    const key = row.model ?? '*';
    const group = groups.get(key) ?? { x: [], y: [] };
    group.x.push(vector);
    group.y.push(row.correct ? 1 : 0);
    groups.set(key, group);
  });
  const models: RouterPredictorModel['models'] = {};
  for (const [key, group] of groups) {
    if (group.x.length < MIN_ROWS_PER_MODEL) throw new InputError(`rows (model ${key})`, `${group.x.length} rows; need at least ${MIN_ROWS_PER_MODEL} per model`);
    models[key] = fitStandardized(group.x, group.y, key, options.C ?? ROUTER_PREDICTOR_C);
  }
  return { kind: 'groundwork-router-predictor', version: 1, trainedAt: (options.now ?? new Date()).toISOString(), featureNames, models };
}

/**
 * A SuccessPredictor from a trained model. Models without their own fit use `*`, else the
 * explicit `fallback` predictor (its name shows in each prediction's source), else it throws.
 */
export function createTrainedPredictor(saved: unknown, fallback?: SuccessPredictor): SuccessPredictor {
  const parsed = routerPredictorModelSchema.safeParse(saved);
  if (!parsed.success) throw new ConfigError('router.predictor', '(file contents)', `a trained router predictor: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  const model = parsed.data;
  return {
    name: 'logistic',
    predict(features, info) {
      const key = model.models[info.id] ? info.id : model.models['*'] ? '*' : undefined;
      if (key === undefined) {
        if (!fallback) throw new ConfigError('router.predictor', info.id, `a model the predictor was trained on (${Object.keys(model.models).join(', ')})`);
        const prediction = fallback.predict(features, info);
        return { ...prediction, explanation: [`no trained fit for ${info.id}; using ${fallback.name}`, ...prediction.explanation] };
      }
      const row = model.featureNames.map((name) => {
        const value = features[name];
        if (typeof value !== 'number') throw new InputError(`features.${name}`, 'missing; the trained predictor needs it');
        return value;
      });
      const fit = model.models[key];
      return { probability: predictFit(fit, row), source: `logistic:${key}`, explanation: [`logistic regression for ${key} (${fit.rows} rows)`] };
    },
  };
}
