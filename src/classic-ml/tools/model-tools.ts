import { z } from 'zod';
import { InputError } from '../../errors.js';
import { requireMatrix } from '../core/validate.js';
import { confusionMatrix, thresholdMetrics } from '../metrics/confusion-matrix.js';
import { rocAuc } from '../metrics/ranking-scores.js';
import { regressionScores } from '../metrics/regression-scores.js';
import { fitGradientBoosting, gradientBoostingOptionsSchema } from '../models/gradient-boosting.js';
import { fitIsolationForest, isolationForestOptionsSchema, scoreIsolationForest } from '../models/isolation-forest.js';
import { fitLinearRegression } from '../models/linear-regression.js';
import { fitLogisticRegression, logisticRegressionOptionsSchema } from '../models/logistic-regression.js';
import { predictModel, savedModelSchema, type SavedModel } from '../models/saved-model.js';
import { defineTool } from '../tool.js';
import type { ToolRunContext } from '../tool-run-context.js';
import {
  MAX_BOOSTING_WORK, MAX_ESTIMATORS, MAX_FOREST_ROW_TREES, MAX_LINEAR_FEATURES, MAX_MATRIX_CELLS, MAX_PREDICT_ROW_TREES, MAX_TREE_DEPTH,
  matrixCells, requireAtMost, withLimits,
} from '../tool-limits.js';

const matrix = z.array(z.array(z.number()).min(1)).min(1);
const labels = z.array(z.union([z.literal(0), z.literal(1)]));

/** Default trees of both forests when options leave nEstimators out (their schemas' defaults). */
const DEFAULT_ESTIMATORS = 100;

/** Caps on a numeric matrix `field` (rows × features). */
function checkMatrix(field: string, X: number[][]): number {
  const { rows, columns, cells } = matrixCells(X);
  requireAtMost(field, cells, MAX_MATRIX_CELLS, 'cells', `${rows} rows x ${columns} features`);
  return cells;
}

/** Caps of an isolation forest: trees, and rows × trees (every row is scored on every tree). */
function checkForest(rows: number, nEstimators: number | undefined, field: string): void {
  const trees = nEstimators ?? DEFAULT_ESTIMATORS;
  requireAtMost(field, trees, MAX_ESTIMATORS, 'trees');
  requireAtMost(field, rows * trees, MAX_FOREST_ROW_TREES, 'row-trees', `${rows} rows x ${trees} trees`);
}

/** Trains a model and returns it as JSON with metrics on its own training data. */
export const trainTool = withLimits(defineTool({
  name: 'train',
  description: `Train logistic-regression (L2, C), linear-regression (alpha = ridge), gradient-boosting (task classification|regression) or isolation-forest on X (rows of numbers) and y; returns the model as JSON (input for predict and model-card) and training-set metrics. Limits per run: X at most ${MAX_MATRIX_CELLS} cells (rows x features); gradient boosting at most ${MAX_ESTIMATORS} trees, maxDepth ${MAX_TREE_DEPTH} and ${MAX_BOOSTING_WORK} cells x trees; isolation forest at most ${MAX_ESTIMATORS} trees and ${MAX_FOREST_ROW_TREES} rows x trees; linear regression at most ${MAX_LINEAR_FEATURES} features.`,
  inputSchema: z.discriminatedUnion('model', [
    z.object({ model: z.literal('logistic-regression'), X: matrix, y: labels, options: logisticRegressionOptionsSchema.partial().optional() }),
    z.object({ model: z.literal('linear-regression'), X: matrix, y: z.array(z.number()), options: z.object({ alpha: z.number().nonnegative().optional(), featureNames: z.array(z.string()).optional() }).optional() }),
    z.object({ model: z.literal('gradient-boosting'), X: matrix, y: z.array(z.number()), options: gradientBoostingOptionsSchema.partial().optional() }),
    z.object({ model: z.literal('isolation-forest'), X: matrix, options: isolationForestOptionsSchema.partial().optional() }),
  ]),
  outputSchema: z.object({ model: savedModelSchema, trainingMetrics: z.record(z.string(), z.number()) }),
  run(input, context?: ToolRunContext) {
    let model: SavedModel;
    if (input.model === 'logistic-regression') model = fitLogisticRegression(input.X, input.y, input.options);
    else if (input.model === 'linear-regression') model = fitLinearRegression(input.X, input.y, input.options);
    else if (input.model === 'gradient-boosting') {
      const onProgress = context?.onProgress;
      model = fitGradientBoosting(input.X, input.y, input.options, onProgress && ((done, total) => onProgress({ done, total, unit: 'trees' })));
    }
    else model = fitIsolationForest(input.X, input.options);
    const { kind, values } = predictModel(model, input.X);
    let trainingMetrics: Record<string, number> = {};
    if (kind === 'probability' && 'y' in input) {
      const y = input.y as (0 | 1)[];
      trainingMetrics = { accuracy: thresholdMetrics(confusionMatrix(y, values)).accuracy, rocAuc: rocAuc(y, values) };
    } else if (kind === 'value' && 'y' in input) {
      trainingMetrics = regressionScores(input.y, values);
    } else {
      trainingMetrics = { meanScore: values.reduce((s, v) => s + v, 0) / values.length };
    }
    return { model, trainingMetrics };
  },
}), {
  MAX_MATRIX_CELLS, MAX_ESTIMATORS, MAX_TREE_DEPTH, MAX_BOOSTING_WORK, MAX_FOREST_ROW_TREES, MAX_LINEAR_FEATURES,
}, (input) => {
  const cells = checkMatrix('X', input.X);
  if (input.model === 'gradient-boosting') {
    const trees = input.options?.nEstimators ?? DEFAULT_ESTIMATORS;
    requireAtMost('options.nEstimators', trees, MAX_ESTIMATORS, 'trees');
    const depth = input.options?.maxDepth ?? 0;
    requireAtMost('options.maxDepth', depth, MAX_TREE_DEPTH, 'levels');
    requireAtMost('options.nEstimators', cells * trees, MAX_BOOSTING_WORK, 'cell-trees', `${cells} cells x ${trees} trees`);
  } else if (input.model === 'isolation-forest') {
    checkForest(input.X.length, input.options?.nEstimators, 'options.nEstimators');
  } else if (input.model === 'linear-regression') {
    const features = input.X[0].length;
    requireAtMost('X', features, MAX_LINEAR_FEATURES, 'features');
  }
});

/** Predicts with a model from the train tool. */
export const predictTool = withLimits(defineTool({
  name: 'predict',
  description: `Predict with a model from train: probabilities of class 1 (and 0/1 labels at threshold), regression values, or anomaly scores. Limits per run: X at most ${MAX_MATRIX_CELLS} cells, rows x model trees at most ${MAX_PREDICT_ROW_TREES}.`,
  inputSchema: z.object({ model: savedModelSchema, X: matrix, threshold: z.number().default(0.5) }),
  outputSchema: z.object({ kind: z.enum(['probability', 'value', 'anomaly-score']), values: z.array(z.number()), labels: z.array(z.union([z.literal(0), z.literal(1)])).optional() }),
  run(input) {
    const { kind, values } = predictModel(input.model, input.X);
    return kind === 'probability' ? { kind, values, labels: values.map((p) => (p >= input.threshold ? 1 : 0) as 0 | 1) } : { kind, values };
  },
}), { MAX_MATRIX_CELLS, MAX_PREDICT_ROW_TREES }, (input) => {
  checkMatrix('X', input.X);
  const trees = 'trees' in input.model ? input.model.trees.length : 1;
  requireAtMost('X', input.X.length * trees, MAX_PREDICT_ROW_TREES, 'row-trees', `${input.X.length} rows x ${trees} trees`);
});

/** Without a contamination share, rows scoring above 0.5 are outliers (Liu et al. 2008; scikit-learn's "auto" offset). */
export const AUTO_ANOMALY_THRESHOLD = 0.5;

/** Isolation-forest anomaly scores for rows, and the indices of the outliers. */
export const anomaliesTool = withLimits(defineTool({
  name: 'anomalies',
  description: `Isolation forest fit and scored on the same rows: scores in (0, 1], higher = more anomalous (Liu et al. 2008). outliers are row indices: the top round(contamination * n) scores when contamination is given, else scores above 0.5. Limits per run: rows at most ${MAX_MATRIX_CELLS} cells, at most ${MAX_ESTIMATORS} trees and ${MAX_FOREST_ROW_TREES} rows x trees.`,
  inputSchema: z.object({
    rows: matrix,
    contamination: z.number().gt(0).max(0.5).optional(),
    nEstimators: z.number().int().positive().max(10_000).optional(),
    seed: z.number().int().optional(),
  }),
  outputSchema: z.object({ scores: z.array(z.number()), outliers: z.array(z.number().int()), threshold: z.number() }),
  run(input) {
    requireMatrix(input.rows, 'rows', 2);
    const model = fitIsolationForest(input.rows, { nEstimators: input.nEstimators, seed: input.seed });
    const scores = scoreIsolationForest(model, input.rows);
    let outliers: number[];
    let threshold = AUTO_ANOMALY_THRESHOLD;
    if (input.contamination !== undefined) {
      const count = Math.round(input.contamination * scores.length);
      if (count < 1) throw new InputError('contamination', `${input.contamination} of ${scores.length} rows rounds to no outlier`);
      const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
      outliers = order.slice(0, count).sort((a, b) => a - b);
      threshold = scores[order[count - 1]];
    } else {
      outliers = scores.flatMap((s, i) => (s > AUTO_ANOMALY_THRESHOLD ? [i] : []));
    }
    return { scores, outliers, threshold };
  },
}), { MAX_MATRIX_CELLS, MAX_ESTIMATORS, MAX_FOREST_ROW_TREES }, (input) => {
  checkMatrix('rows', input.rows);
  checkForest(input.rows.length, input.nEstimators, 'nEstimators');
});
