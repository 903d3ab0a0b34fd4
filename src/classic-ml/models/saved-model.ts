import { z } from 'zod';
import { InputError } from '../../errors.js';
import { gradientBoostingModelSchema, predictGradientBoosting } from './gradient-boosting.js';
import { isolationForestModelSchema, scoreIsolationForest } from './isolation-forest.js';
import { linearRegressionModelSchema, predictLinear } from './linear-regression.js';
import { logisticRegressionModelSchema, predictProba } from './logistic-regression.js';

/** Any model this module saves: a plain JSON object discriminated by `type`. */
export const savedModelSchema = z.discriminatedUnion('type', [
  logisticRegressionModelSchema,
  linearRegressionModelSchema,
  gradientBoostingModelSchema,
  isolationForestModelSchema,
]);
/** Any saved model. */
export type SavedModel = z.infer<typeof savedModelSchema>;

/** Serialises a model to JSON text. */
export function saveModel(model: SavedModel): string {
  return JSON.stringify(model);
}

/** Loads a model from JSON text or a parsed object, validating its shape. */
export function loadModel(json: unknown): SavedModel {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new InputError('model', `is not valid JSON: ${(error as Error).message}`);
    }
  }
  const parsed = savedModelSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`model${issue?.path.length ? `.${issue.path.join('.')}` : ''}`, issue?.message ?? 'is not a saved model');
  }
  return parsed.data;
}

/** Kind of output a model gives per row. */
export type PredictionKind = 'probability' | 'value' | 'anomaly-score';

/** Per-row outputs of any saved model: probabilities of class 1, regression values, or anomaly scores. */
export function predictModel(model: SavedModel, X: number[][]): { kind: PredictionKind; values: number[] } {
  switch (model.type) {
    case 'logistic-regression':
      return { kind: 'probability', values: predictProba(model, X) };
    case 'linear-regression':
      return { kind: 'value', values: predictLinear(model, X) };
    case 'gradient-boosting':
      return { kind: model.task === 'classification' ? 'probability' : 'value', values: predictGradientBoosting(model, X) };
    case 'isolation-forest':
      return { kind: 'anomaly-score', values: scoreIsolationForest(model, X) };
  }
}
