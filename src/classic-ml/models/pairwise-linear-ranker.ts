import { z } from 'zod';
import { InputError } from '../../errors.js';
import { createRandom, shuffledIndices } from '../core/random.js';
import { fitLogisticRegression } from './logistic-regression.js';
import { queryOffsets, type RankingData } from './lambdamart.js';

/**
 * Defaults: at most 50 (better, worse) pairs per query, so a query with many candidates does not
 * outweigh the others (Joachims 2002 samples pairs per query for the same reason); C = 1 as
 * scikit-learn's LogisticRegression, on standardized features.
 */
const PAIRWISE_TOLERANCE = 1e-5;
const PAIRWISE_MAX_ITERATIONS = 300;

export const pairwiseLinearOptionsSchema = z.object({
  C: z.number().positive().default(1),
  maxPairsPerQuery: z.number().int().positive().default(50),
  seed: z.number().int().default(42),
  featureNames: z.array(z.string()).optional(),
});
/** Options of fitPairwiseLinearRanker (all optional). */
export type PairwiseLinearOptions = z.input<typeof pairwiseLinearOptionsSchema>;

/** A linear ranking function w · standardized(x) as plain JSON. */
export const pairwiseLinearModelSchema = z.object({
  type: z.literal('pairwise-linear'),
  version: z.literal(1),
  featureNames: z.array(z.string()).optional(),
  means: z.array(z.number()),
  stds: z.array(z.number()),
  weights: z.array(z.number()),
  options: pairwiseLinearOptionsSchema.omit({ featureNames: true }),
  training: z.object({ rows: z.number().int(), queries: z.number().int(), pairs: z.number().int() }),
});
/** A fitted pairwise linear ranker. */
export type PairwiseLinearModel = z.infer<typeof pairwiseLinearModelSchema>;

/**
 * The linear pairwise baseline (RankSVM's setting, Joachims 2002, with logistic loss as RankNet):
 * for pairs (a, b) of one query with grade a > grade b, logistic regression on the difference of
 * their standardized features, both orientations (labels 1 and 0), so the fitted weights score rows.
 */
export function fitPairwiseLinearRanker(data: RankingData, options: PairwiseLinearOptions = {}): PairwiseLinearModel {
  const o = pairwiseLinearOptionsSchema.parse(options);
  if (data.X.length === 0) throw new InputError('X', 'has no rows');
  const d = data.X[0].length;
  const offsets = queryOffsets(data.queries);
  const means = Array.from({ length: d }, (_, j) => data.X.reduce((s, row) => s + row[j], 0) / data.X.length);
  const stds = means.map((mean, j) => Math.sqrt(data.X.reduce((s, row) => s + (row[j] - mean) ** 2, 0) / data.X.length) || 1);
  const z = data.X.map((row) => row.map((v, j) => (v - means[j]) / stds[j]));
  const random = createRandom(o.seed);
  const X: number[][] = [];
  const y: (0 | 1)[] = [];
  for (let q = 0; q + 1 < offsets.length; q++) {
    const pairs: Array<[number, number]> = [];
    for (let a = offsets[q]; a < offsets[q + 1]; a++) for (let b = offsets[q]; b < offsets[q + 1]; b++) if (data.y[a] > data.y[b]) pairs.push([a, b]);
    const chosen = pairs.length <= o.maxPairsPerQuery ? pairs : shuffledIndices(random, pairs.length).slice(0, o.maxPairsPerQuery).map((i) => pairs[i]);
    for (const [a, b] of chosen) {
      const difference = z[a].map((v, j) => v - z[b][j]);
      X.push(difference, difference.map((v) => -v));
      y.push(1, 0);
    }
  }
  if (X.length === 0) throw new InputError('y', 'no query has two rows of different grades: there is nothing to rank');
  // A ranking only needs the weights' direction: a looser tolerance than the classifier's 1e-8 stops
  // L-BFGS well before 1,000 iterations on tens of thousands of pairs.
  const fit = fitLogisticRegression(X, y, { C: o.C, tolerance: PAIRWISE_TOLERANCE, maxIterations: PAIRWISE_MAX_ITERATIONS });
  const { featureNames, ...rest } = o;
  return {
    type: 'pairwise-linear',
    version: 1,
    ...(featureNames ? { featureNames } : {}),
    means,
    stds,
    weights: fit.coefficients,
    options: rest,
    training: { rows: data.X.length, queries: offsets.length - 1, pairs: X.length / 2 },
  };
}

/** Ranking scores, one per row. */
export function scorePairwiseLinear(model: PairwiseLinearModel, X: readonly (readonly number[])[]): number[] {
  return X.map((row) => {
    if (row.length !== model.weights.length) throw new InputError('X', `rows have ${row.length} columns, the model was trained on ${model.weights.length}`);
    let sum = 0;
    for (let j = 0; j < row.length; j++) sum += model.weights[j] * ((row[j] - model.means[j]) / model.stds[j]);
    return sum;
  });
}
