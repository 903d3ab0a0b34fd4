import { z } from 'zod';
import { InputError } from '../../errors.js';
import { createRandom } from '../core/random.js';
import { requireBinaryLabels, requireBothClasses, requireFiniteNumbers, requireMatrix, requireSameLength } from '../core/validate.js';
import { binFeatures } from './feature-binner.js';
import { growTree, type TreeArrays } from './grow-histogram-tree.js';
import { sigmoid } from './logistic-regression.js';

/** One tree of an ensemble as parallel arrays (LambdaMART's trees share it). */
export const treeSchema = z.object({
  feature: z.array(z.number().int()),
  threshold: z.array(z.number()),
  left: z.array(z.number().int()),
  right: z.array(z.number().int()),
  value: z.array(z.number()),
});

/** Defaults: XGBoost's depth 6 and L2 lambda 1, scikit-learn HistGradientBoosting's learning rate 0.1, 100 rounds, 20 rows per leaf. */
export const gradientBoostingOptionsSchema = z.object({
  task: z.enum(['classification', 'regression']).default('classification'),
  nEstimators: z.number().int().positive().max(5000).default(100),
  learningRate: z.number().positive().max(1).default(0.1),
  maxDepth: z.number().int().positive().max(16).default(6),
  minSamplesLeaf: z.number().int().positive().default(20),
  l2: z.number().nonnegative().default(1),
  subsample: z.number().positive().max(1).default(1),
  seed: z.number().int().default(42),
  featureNames: z.array(z.string()).optional(),
});
/** Options of fitGradientBoosting (all optional). */
export type GradientBoostingOptions = z.input<typeof gradientBoostingOptionsSchema>;

/** A fitted gradient-boosted tree ensemble as plain JSON (leaf values already include the learning rate). */
export const gradientBoostingModelSchema = z.object({
  type: z.literal('gradient-boosting'),
  version: z.literal(1),
  task: z.enum(['classification', 'regression']),
  featureCount: z.number().int().positive(),
  featureNames: z.array(z.string()).optional(),
  baseScore: z.number(),
  trees: z.array(treeSchema),
  options: gradientBoostingOptionsSchema.omit({ featureNames: true, task: true }),
  training: z.object({ rows: z.number().int() }),
});
/** A fitted gradient-boosting model. */
export type GradientBoostingModel = z.infer<typeof gradientBoostingModelSchema>;

/**
 * Histogram gradient boosting (Friedman 2001; second-order leaves and gains as in XGBoost, Chen &
 * Guestrin 2016) for binary classification (log loss) or regression (squared error).
 * `onRound` hears of each tree built (long fits report progress with it).
 */
export function fitGradientBoosting(X: number[][], y: number[], options: GradientBoostingOptions = {}, onRound?: (done: number, total: number) => void): GradientBoostingModel {
  const o = gradientBoostingOptionsSchema.parse(options);
  const { columns: d } = requireMatrix(X, 'X', 2);
  requireSameLength(X, 'X', y, 'y');
  const n = X.length;
  let baseScore: number;
  if (o.task === 'classification') {
    const labels = requireBinaryLabels(y, 'y');
    const positives = requireBothClasses(labels, 'y');
    baseScore = Math.log(positives / (n - positives));
  } else {
    requireFiniteNumbers(y, 'y');
    baseScore = y.reduce((s, v) => s + v, 0) / n;
  }
  if (n < 2 * o.minSamplesLeaf) throw new InputError('X', `has ${n} rows; with minSamplesLeaf ${o.minSamplesLeaf} a split needs at least ${2 * o.minSamplesLeaf}`);
  const { binned, edges } = binFeatures(X, o.seed);
  const raw = new Float64Array(n).fill(baseScore);
  const gradient = new Float64Array(n);
  const hessian = new Float64Array(n);
  const random = createRandom(o.seed);
  const trees: TreeArrays[] = [];
  for (let round = 0; round < o.nEstimators; round++) {
    for (let i = 0; i < n; i++) {
      if (o.task === 'classification') {
        const p = sigmoid(raw[i]);
        gradient[i] = p - y[i];
        hessian[i] = Math.max(p * (1 - p), 1e-16);
      } else {
        gradient[i] = raw[i] - y[i];
        hessian[i] = 1;
      }
    }
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (o.subsample === 1 || random() < o.subsample) rows.push(i);
    const { tree, bins } = growTree({ binned, n, d, edges, gradient, hessian, rows: Uint32Array.from(rows), ...o });
    for (let i = 0; i < n; i++) {
      let node = 0;
      while (tree.feature[node] >= 0) node = binned[tree.feature[node] * n + i] <= bins[node] ? tree.left[node] : tree.right[node];
      raw[i] += tree.value[node];
    }
    trees.push(tree);
    onRound?.(trees.length, o.nEstimators);
  }
  const { featureNames, task, ...rest } = o;
  return {
    type: 'gradient-boosting',
    version: 1,
    task,
    featureCount: d,
    ...(featureNames ? { featureNames } : {}),
    baseScore,
    trees,
    options: rest,
    training: { rows: n },
  };
}

/** Raw scores (log-odds for classification, predictions for regression) for each row. */
export function predictGradientBoostingRaw(model: GradientBoostingModel, X: number[][]): number[] {
  requireMatrix(X, 'X');
  if (X[0].length !== model.featureCount) throw new InputError('X', `rows have ${X[0].length} columns, the model was trained on ${model.featureCount}`);
  return X.map((row) => {
    let sum = model.baseScore;
    for (const tree of model.trees) {
      let node = 0;
      while (tree.feature[node] >= 0) node = row[tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
      sum += tree.value[node];
    }
    return sum;
  });
}

/** Predictions: probabilities of class 1 for classification, values for regression. */
export function predictGradientBoosting(model: GradientBoostingModel, X: number[][]): number[] {
  const raw = predictGradientBoostingRaw(model, X);
  return model.task === 'classification' ? raw.map(sigmoid) : raw;
}
