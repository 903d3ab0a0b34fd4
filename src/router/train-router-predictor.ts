import { z } from 'zod';
import { ConfigError, InputError } from '../errors.js';
import { DEFAULT_LOGISTIC_FIT_OPTIONS, fitLogisticRegression, predictLogistic, type LogisticFitOptions } from './fit-logistic-regression.js';
import type { SuccessPredictor } from './success-predictor.js';

/** One per-query eval result: the features the router saw, whether the answer was correct, and (optionally) which model gave it. */
export interface RouterTrainingRow {
  features: Record<string, number>;
  correct: boolean;
  /** Model id; rows without one train the pooled `*` model used for models without their own. */
  model?: string;
}

const logisticSchema = z.object({
  weights: z.array(z.number()),
  intercept: z.number(),
  means: z.array(z.number()),
  stds: z.array(z.number()),
  iterations: z.number().int(),
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

/**
 * Trains the success predictor from per-query eval rows: one logistic regression per model id
 * (and one pooled `*` fit for rows without a model). Feature names are the union of the rows'
 * keys; a row missing a feature is an error (no silent zero-fill).
 * @example trainRouterPredictor(rows.map((r) => ({ features: r.features, correct: r.correct, model: r.model })))
 */
export function trainRouterPredictor(rows: readonly RouterTrainingRow[], options: LogisticFitOptions = DEFAULT_LOGISTIC_FIT_OPTIONS, now = new Date()): RouterPredictorModel {
  if (rows.length === 0) throw new InputError('rows', 'no per-query results to train on');
  const featureNames = [...new Set(rows.flatMap((r) => Object.keys(r.features)))].sort();
  const groups = new Map<string, { x: number[][]; y: number[] }>();
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
    const fit = fitLogisticRegression(group.x, group.y, options);
    const correct = group.x.filter((row, i) => (predictLogistic(fit, row) >= 0.5 ? 1 : 0) === group.y[i]).length;
    models[key] = { ...fit, rows: group.x.length, positives: group.y.filter((v) => v === 1).length, trainAccuracy: correct / group.x.length };
  }
  return { kind: 'groundwork-router-predictor', version: 1, trainedAt: now.toISOString(), featureNames, models };
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
      return { probability: predictLogistic(fit, row), source: `logistic:${key}`, explanation: [`logistic regression for ${key} (${fit.rows} rows)`] };
    },
  };
}
