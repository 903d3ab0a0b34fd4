import { z } from 'zod';
import { InputError } from '../../errors.js';
import { createRandom } from '../core/random.js';
import { requireMatrix, requireSameLength } from '../core/validate.js';
import { binFeatures } from './feature-binner.js';
import { treeSchema } from './gradient-boosting.js';
import { growTree, type TreeArrays } from './grow-histogram-tree.js';
import { LAMBDARANK_DEFAULT_SIGMA, LAMBDARANK_DEFAULT_TRUNCATION, lambdarankGradients, meanNdcg } from './lambdarank-objective.js';

/**
 * Defaults: LightGBM's lambdarank (sigmoid 1, truncation 30, min_data_in_leaf 20, lambda_l2 set to
 * XGBoost's 1); learning rate 0.1 (LightGBM's default and the high end of its ranking examples'
 * 0.05-0.1: a fold of SciFact's 80k rows costs ~0.2 s a round on this shared machine) with at most
 * 300 rounds and 30 rounds of patience on the validation nDCG@10; depth 5 (about LightGBM's 31 leaves).
 */
export const lambdaMartOptionsSchema = z.object({
  nEstimators: z.number().int().positive().max(5000).default(300),
  learningRate: z.number().positive().max(1).default(0.1),
  maxDepth: z.number().int().positive().max(16).default(5),
  minSamplesLeaf: z.number().int().positive().default(20),
  l2: z.number().nonnegative().default(1),
  subsample: z.number().positive().max(1).default(1),
  sigma: z.number().positive().default(LAMBDARANK_DEFAULT_SIGMA),
  truncation: z.number().int().positive().default(LAMBDARANK_DEFAULT_TRUNCATION),
  /** Cutoff of the nDCG that early stopping watches. */
  evalAt: z.number().int().positive().default(10),
  earlyStoppingRounds: z.number().int().positive().default(30),
  seed: z.number().int().default(42),
  featureNames: z.array(z.string()).optional(),
});
/** Options of fitLambdaMart (all optional). */
export type LambdaMartOptions = z.input<typeof lambdaMartOptionsSchema>;

/** A fitted LambdaMART ensemble (leaf values include the learning rate); scores only order a query's rows. */
export const lambdaMartModelSchema = z.object({
  type: z.literal('lambdamart'),
  version: z.literal(1),
  featureCount: z.number().int().positive(),
  featureNames: z.array(z.string()).optional(),
  trees: z.array(treeSchema),
  options: lambdaMartOptionsSchema.omit({ featureNames: true }),
  training: z.object({
    rows: z.number().int(),
    queries: z.number().int(),
    /** Trees kept: the round with the best validation nDCG (all rounds without validation). */
    bestIteration: z.number().int(),
    rounds: z.number().int(),
    /** Validation nDCG@evalAt after each round (empty without validation). */
    validationNdcg: z.array(z.number()),
  }),
});
/** A fitted LambdaMART model. */
export type LambdaMartModel = z.infer<typeof lambdaMartModelSchema>;

/** Rows of a ranking problem: features, graded labels (0 = not relevant) and the query of each row, rows of a query contiguous. */
export interface RankingData {
  X: number[][];
  y: number[];
  queries: ReadonlyArray<string | number>;
}

/** Query boundaries of contiguous query ids: offsets[q] .. offsets[q + 1] − 1 are query q's rows. */
export function queryOffsets(queries: ReadonlyArray<string | number>, field = 'queries'): number[] {
  const offsets = [0];
  const seen = new Set<string | number>();
  for (let i = 0; i < queries.length; i++) {
    if (i > 0 && queries[i] === queries[i - 1]) continue;
    if (seen.has(queries[i])) throw new InputError(field, `rows of query ${String(queries[i])} are not contiguous (row ${i})`);
    seen.add(queries[i]);
    if (i > 0) offsets.push(i);
  }
  offsets.push(queries.length);
  return offsets;
}

function validateRanking(data: RankingData, field: string, width?: number): { d: number; offsets: number[] } {
  const { columns: d } = requireMatrix(data.X, `${field}.X`);
  if (width !== undefined && d !== width) throw new InputError(`${field}.X`, `rows have ${d} columns, the training rows ${width}`);
  requireSameLength(data.X, `${field}.X`, data.y, `${field}.y`);
  requireSameLength(data.X, `${field}.X`, data.queries as unknown[], `${field}.queries`);
  data.y.forEach((grade, i) => {
    if (!Number.isInteger(grade) || grade < 0 || grade > 30) throw new InputError(`${field}.y[${i}]`, `must be an integer grade from 0 to 30, got ${grade}`);
  });
  return { d, offsets: queryOffsets(data.queries, `${field}.queries`) };
}

function treeValue(tree: TreeArrays, row: readonly number[]): number {
  let node = 0;
  while (tree.feature[node] >= 0) node = row[tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  return tree.value[node];
}

/**
 * LambdaMART (Burges 2010): the project's histogram gradient boosting (growTree: second-order
 * leaves, XGBoost gains) driven by the LambdaRank objective (lambdarank-objective.ts) instead of
 * log loss. With `validation`, the validation nDCG@evalAt is computed after every tree and the
 * ensemble is cut back to its best round once `earlyStoppingRounds` pass without improvement.
 * @example const model = fitLambdaMart({ X, y, queries }, { nEstimators: 200 }, validation); scoreLambdaMart(model, X)
 */
export function fitLambdaMart(train: RankingData, options: LambdaMartOptions = {}, validation?: RankingData, onRound?: (done: number, total: number) => void): LambdaMartModel {
  const o = lambdaMartOptionsSchema.parse(options);
  const { d, offsets } = validateRanking(train, 'train');
  if (o.featureNames && o.featureNames.length !== d) throw new InputError('featureNames', `has ${o.featureNames.length} names for ${d} columns`);
  const n = train.X.length;
  if (n < 2 * o.minSamplesLeaf) throw new InputError('train.X', `has ${n} rows; with minSamplesLeaf ${o.minSamplesLeaf} a split needs at least ${2 * o.minSamplesLeaf}`);
  const check = validation ? validateRanking(validation, 'validation', d) : undefined;
  const { binned, edges } = binFeatures(train.X, o.seed);
  const raw = new Float64Array(n);
  const gradient = new Float64Array(n);
  const hessian = new Float64Array(n);
  const validationRaw = validation ? new Float64Array(validation.X.length) : undefined;
  const random = createRandom(o.seed);
  const trees: TreeArrays[] = [];
  const validationNdcg: number[] = [];
  let best = { round: 0, ndcg: -Infinity };
  for (let round = 0; round < o.nEstimators; round++) {
    lambdarankGradients(raw, train.y, offsets, gradient, hessian, { sigma: o.sigma, truncation: o.truncation });
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
    if (validation && validationRaw && check) {
      validation.X.forEach((row, i) => (validationRaw[i] += treeValue(tree, row)));
      const ndcg = meanNdcg(validationRaw, validation.y, check.offsets, o.evalAt);
      validationNdcg.push(ndcg);
      if (ndcg > best.ndcg + 1e-12) best = { round: trees.length, ndcg };
      else if (trees.length - best.round >= o.earlyStoppingRounds) break;
    }
  }
  const rounds = trees.length;
  const kept = validation ? trees.slice(0, Math.max(best.round, 1)) : trees;
  const { featureNames, ...rest } = o;
  return {
    type: 'lambdamart',
    version: 1,
    featureCount: d,
    ...(featureNames ? { featureNames } : {}),
    trees: kept,
    options: rest,
    training: { rows: n, queries: offsets.length - 1, bestIteration: kept.length, rounds, validationNdcg },
  };
}

/** Ranking scores, one per row (higher ranks first; comparable only within one query). */
export function scoreLambdaMart(model: LambdaMartModel, X: readonly (readonly number[])[]): number[] {
  return X.map((row) => {
    if (row.length !== model.featureCount) throw new InputError('X', `rows have ${row.length} columns, the model was trained on ${model.featureCount}`);
    let sum = 0;
    for (const tree of model.trees) sum += treeValue(tree, row);
    return sum;
  });
}

/**
 * A LambdaMART model flattened into typed arrays (every tree's nodes one after another, children as
 * absolute node indexes), reading each split's feature from `columns` of a wider row: scoring full
 * feature rows without copying their columns out. Sums run tree by tree from 0, as
 * scoreLambdaMart's do, so scores are identical.
 */
export interface CompiledLambdaMart {
  roots: Int32Array;
  /** Column of the row a node splits on; -1 for a leaf. */
  column: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  featureCount: number;
}

/** Flattens `model`, its feature j read from column columns[j] of the rows to score (identity when omitted). */
export function compileLambdaMart(model: LambdaMartModel, columns?: readonly number[]): CompiledLambdaMart {
  if (columns && columns.length !== model.featureCount) throw new InputError('columns', `${columns.length} columns for a model of ${model.featureCount} features`);
  const nodes = model.trees.reduce((s, tree) => s + tree.feature.length, 0);
  const compiled: CompiledLambdaMart = {
    roots: new Int32Array(model.trees.length),
    column: new Int32Array(nodes),
    threshold: new Float64Array(nodes),
    left: new Int32Array(nodes),
    right: new Int32Array(nodes),
    value: new Float64Array(nodes),
    featureCount: columns ? Math.max(0, ...columns) + 1 : model.featureCount,
  };
  let base = 0;
  model.trees.forEach((tree, t) => {
    compiled.roots[t] = base;
    const size = tree.feature.length;
    for (let node = 0; node < size; node++) {
      const feature = tree.feature[node];
      // Checked as flattened (children after their node, within the tree; a feature the model has),
      // so a malformed model file fails here instead of looping or reading past a row when scored.
      if (feature >= model.featureCount) throw new InputError('trees', `tree ${t} node ${node} splits on feature ${feature} of a model of ${model.featureCount}`);
      if (feature >= 0 && !(tree.left[node] > node && tree.left[node] < size && tree.right[node] > node && tree.right[node] < size)) {
        throw new InputError('trees', `tree ${t} node ${node}: children ${tree.left[node]} and ${tree.right[node]} are not later nodes of the tree`);
      }
      compiled.column[base + node] = feature < 0 ? -1 : columns ? columns[feature] : feature;
      compiled.threshold[base + node] = tree.threshold[node];
      compiled.left[base + node] = base + tree.left[node];
      compiled.right[base + node] = base + tree.right[node];
      compiled.value[base + node] = tree.value[node];
    }
    base += tree.feature.length;
  });
  return compiled;
}

/** Scores rows with a compiled model (rows at least as wide as its widest column). */
export function scoreCompiledLambdaMart(compiled: CompiledLambdaMart, rows: readonly (readonly number[])[]): number[] {
  const { roots, column, threshold, left, right, value } = compiled;
  return rows.map((row) => {
    if (row.length < compiled.featureCount) throw new InputError('X', `rows have ${row.length} columns, the model reads column ${compiled.featureCount - 1}`);
    let sum = 0;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t];
      while (column[node] >= 0) node = row[column[node]] <= threshold[node] ? left[node] : right[node];
      sum += value[node];
    }
    return sum;
  });
}

/** How often each feature splits a node, over all trees (a cheap importance; see permutation importance for effect). */
export function lambdaMartSplitCounts(model: LambdaMartModel): number[] {
  const counts = new Array<number>(model.featureCount).fill(0);
  for (const tree of model.trees) for (const feature of tree.feature) if (feature >= 0) counts[feature]++;
  return counts;
}
