import { z } from 'zod';
import { InputError } from '../../errors.js';
import { createRandom, randomInt, type Random } from '../core/random.js';
import { requireMatrix } from '../core/validate.js';

/** Liu, Ting & Zhou (2008): 100 trees and sub-samples of 256 are the paper's defaults. */
export const isolationForestOptionsSchema = z.object({
  nEstimators: z.number().int().positive().max(10_000).default(100),
  maxSamples: z.number().int().min(2).default(256),
  seed: z.number().int().default(42),
  featureNames: z.array(z.string()).optional(),
});
/** Options of fitIsolationForest (all optional). */
export type IsolationForestOptions = z.input<typeof isolationForestOptionsSchema>;

const isolationTreeSchema = z.object({
  feature: z.array(z.number().int()),
  threshold: z.array(z.number()),
  left: z.array(z.number().int()),
  right: z.array(z.number().int()),
  size: z.array(z.number().int()),
});

/** A fitted isolation forest as plain JSON. */
export const isolationForestModelSchema = z.object({
  type: z.literal('isolation-forest'),
  version: z.literal(1),
  featureCount: z.number().int().positive(),
  featureNames: z.array(z.string()).optional(),
  sampleSize: z.number().int().min(2),
  trees: z.array(isolationTreeSchema).min(1),
  options: isolationForestOptionsSchema.omit({ featureNames: true }),
  training: z.object({ rows: z.number().int() }),
});
/** A fitted isolation forest. */
export type IsolationForestModel = z.infer<typeof isolationForestModelSchema>;
type IsolationTree = z.infer<typeof isolationTreeSchema>;

const EULER_GAMMA = 0.5772156649015329;

/** c(n): average path length of an unsuccessful search in a binary search tree of n points (paper eq. 1). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

function buildTree(X: number[][], rows: number[], d: number, heightLimit: number, random: Random): IsolationTree {
  const tree: IsolationTree = { feature: [], threshold: [], left: [], right: [], size: [] };
  const features = Array.from({ length: d }, (_, j) => j);
  const grow = (subset: number[], depth: number): number => {
    const node = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.size.push(subset.length);
    if (depth >= heightLimit || subset.length <= 1) return node;
    // Random attribute among those not constant in this node (a constant one cannot isolate).
    for (let remaining = d; remaining > 0; remaining--) {
      const pick = randomInt(random, remaining);
      const q = features[pick];
      features[pick] = features[remaining - 1];
      features[remaining - 1] = q;
      let min = Infinity;
      let max = -Infinity;
      for (const i of subset) {
        min = Math.min(min, X[i][q]);
        max = Math.max(max, X[i][q]);
      }
      if (min === max) continue;
      let p = min + random() * (max - min);
      if (p <= min) p = (min + max) / 2;
      const left = subset.filter((i) => X[i][q] < p);
      const right = subset.filter((i) => X[i][q] >= p);
      tree.feature[node] = q;
      tree.threshold[node] = p;
      tree.left[node] = grow(left, depth + 1);
      tree.right[node] = grow(right, depth + 1);
      return node;
    }
    return node;
  };
  grow(rows, 0);
  return tree;
}

/**
 * Fits an isolation forest (Liu, Ting & Zhou 2008): each tree isolates a random sub-sample with
 * random axis splits up to height ceil(log2 ψ).
 */
export function fitIsolationForest(X: number[][], options: IsolationForestOptions = {}): IsolationForestModel {
  const o = isolationForestOptionsSchema.parse(options);
  const { columns: d } = requireMatrix(X, 'rows', 2);
  if (o.featureNames && o.featureNames.length !== d) throw new InputError('featureNames', `has ${o.featureNames.length} names for ${d} columns`);
  const n = X.length;
  const sampleSize = Math.min(o.maxSamples, n);
  const heightLimit = Math.ceil(Math.log2(sampleSize));
  const random = createRandom(o.seed);
  const pool = Array.from({ length: n }, (_, i) => i);
  const trees: IsolationTree[] = [];
  for (let t = 0; t < o.nEstimators; t++) {
    // Partial Fisher-Yates: the first sampleSize slots become a sample without replacement.
    for (let k = 0; k < sampleSize; k++) {
      const r = k + randomInt(random, n - k);
      const tmp = pool[k];
      pool[k] = pool[r];
      pool[r] = tmp;
    }
    trees.push(buildTree(X, pool.slice(0, sampleSize), d, heightLimit, random));
  }
  const { featureNames, ...rest } = o;
  return { type: 'isolation-forest', version: 1, featureCount: d, ...(featureNames ? { featureNames } : {}), sampleSize, trees, options: rest, training: { rows: n } };
}

/** Anomaly scores s = 2^(−E[h(x)] / c(ψ)) in (0, 1]: higher is more anomalous; above 0.5 is suspicious. */
export function scoreIsolationForest(model: IsolationForestModel, X: number[][]): number[] {
  requireMatrix(X, 'rows');
  if (X[0].length !== model.featureCount) throw new InputError('rows', `have ${X[0].length} columns, the model was trained on ${model.featureCount}`);
  const normaliser = averagePathLength(model.sampleSize);
  const leafAdjust = model.trees.map((tree) => tree.size.map(averagePathLength));
  return X.map((row) => {
    let total = 0;
    for (let t = 0; t < model.trees.length; t++) {
      const tree = model.trees[t];
      let node = 0;
      let depth = 0;
      while (tree.feature[node] >= 0) {
        node = row[tree.feature[node]] < tree.threshold[node] ? tree.left[node] : tree.right[node];
        depth++;
      }
      total += depth + leafAdjust[t][node];
    }
    return 2 ** (-(total / model.trees.length) / normaliser);
  });
}
