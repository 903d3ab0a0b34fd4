import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/classic-ml/core/random.js';
import { compileLambdaMart, fitLambdaMart, lambdaMartModelSchema, lambdaMartSplitCounts, queryOffsets, scoreCompiledLambdaMart, scoreLambdaMart, type RankingData } from '../../src/classic-ml/models/lambdamart.js';
import { lambdarankGradients, meanNdcg, queryNdcg } from '../../src/classic-ml/models/lambdarank-objective.js';
import { fitPairwiseLinearRanker, scorePairwiseLinear } from '../../src/classic-ml/models/pairwise-linear-ranker.js';

/**
 * Queries of 20 rows; relevance is planted in a band of feature 1 (|x1| < 0.5: not monotone, so a
 * linear ranker cannot express it) plus a monotone cue in feature 2; feature 0 is noise.
 */
function plantedQueries(queries: number, seed: number): RankingData {
  const random = createRandom(seed);
  const X: number[][] = [];
  const y: number[] = [];
  const ids: string[] = [];
  for (let q = 0; q < queries; q++) {
    for (let r = 0; r < 20; r++) {
      const x1 = random() * 4 - 2;
      const x2 = random();
      const relevant = Math.abs(x1) < 0.5 && x2 > 0.3 ? 1 : 0;
      X.push([random(), x1, x2 + (relevant ? 0.2 : 0)]);
      y.push(relevant);
      ids.push(`q${q}`);
    }
  }
  return { X, y, queries: ids };
}

describe('lambdarank objective', () => {
  it('pushes a relevant row ranked below a non-relevant one up and the other down, symmetric hessians', () => {
    const gradient = new Float64Array(3);
    const hessian = new Float64Array(3);
    lambdarankGradients(Float64Array.from([2, 1, 0]), [0, 0, 1], [0, 3], gradient, hessian, { normalize: false });
    expect(gradient[2]).toBeLessThan(0);
    expect(gradient[0]).toBeGreaterThan(0);
    expect(gradient[0] + gradient[1] + gradient[2]).toBeCloseTo(0, 12);
    expect(hessian[2]).toBeCloseTo(hessian[0] + hessian[1], 12);
  });

  it('gives no gradient to a query whose rows all share a grade', () => {
    const gradient = new Float64Array(2);
    const hessian = new Float64Array(2);
    lambdarankGradients(Float64Array.from([1, 0]), [1, 1], [0, 2], gradient, hessian);
    expect([...gradient, ...hessian]).toEqual([0, 0, 0, 0]);
  });

  it('computes nDCG with 2^grade − 1 gains and skips queries without relevant rows', () => {
    expect(queryNdcg([3, 2, 1], [0, 1, 0], 0, 3, 10)).toBeCloseTo(1 / Math.log2(3), 12);
    expect(queryNdcg([1, 2], [0, 0], 0, 2, 10)).toBeUndefined();
    expect(meanNdcg([3, 2, 1, 5, 4], [1, 0, 0, 0, 0], [0, 3, 5], 10)).toBe(1);
  });

  it('rejects rows of one query that are not contiguous', () => {
    expect(() => queryOffsets(['a', 'b', 'a'])).toThrow(/not contiguous/);
    expect(queryOffsets(['a', 'a', 'b'])).toEqual([0, 2, 3]);
  });
});

describe('fitLambdaMart', () => {
  const train = plantedQueries(60, 1);
  const validation = plantedQueries(20, 2);
  const test = plantedQueries(40, 3);
  const offsets = queryOffsets(test.queries);
  const options = { nEstimators: 120, learningRate: 0.1, maxDepth: 3, minSamplesLeaf: 5, earlyStoppingRounds: 20 };

  it('learns the planted band and beats the linear pairwise baseline on held-out queries', () => {
    const model = fitLambdaMart(train, options, validation);
    const linear = fitPairwiseLinearRanker(train);
    const lambdaNdcg = meanNdcg(scoreLambdaMart(model, test.X), test.y, offsets, 10);
    const linearNdcg = meanNdcg(scorePairwiseLinear(linear, test.X), test.y, offsets, 10);
    const noiseNdcg = meanNdcg(test.X.map((row) => row[0]), test.y, offsets, 10);
    expect(lambdaNdcg).toBeGreaterThan(0.85);
    expect(lambdaNdcg).toBeGreaterThan(linearNdcg + 0.05);
    expect(noiseNdcg).toBeLessThan(0.6);
    // The noise feature is used least.
    const splits = lambdaMartSplitCounts(model);
    expect(splits[1]).toBeGreaterThan(splits[0]);
    // The model round-trips through its JSON schema and scores the same.
    const loaded = lambdaMartModelSchema.parse(JSON.parse(JSON.stringify(model)));
    expect(scoreLambdaMart(loaded, test.X.slice(0, 5))).toEqual(scoreLambdaMart(model, test.X.slice(0, 5)));
  });

  it('the linear baseline ranks a monotone planted signal', () => {
    const random = createRandom(7);
    const X: number[][] = [];
    const y: number[] = [];
    const queries: number[] = [];
    for (let q = 0; q < 30; q++) for (let r = 0; r < 10; r++) {
      const signal = random();
      X.push([random(), signal]);
      y.push(signal > 0.8 ? 1 : 0);
      queries.push(q);
    }
    const model = fitPairwiseLinearRanker({ X, y, queries });
    expect(model.weights[1]).toBeGreaterThan(Math.abs(model.weights[0]) * 3);
  });

  it('stops early on the validation fold and keeps the best round', () => {
    const model = fitLambdaMart(train, { ...options, nEstimators: 400, earlyStoppingRounds: 10 }, validation);
    const curve = model.training.validationNdcg;
    expect(model.training.rounds).toBeLessThan(400);
    expect(model.trees.length).toBe(model.training.bestIteration);
    expect(curve[model.training.bestIteration - 1]).toBe(Math.max(...curve));
    expect(model.training.rounds - model.training.bestIteration).toBe(10);
  });

  it('rejects bad input with the field named', () => {
    expect(() => fitLambdaMart({ X: [[1], [2]], y: [0, 1.5], queries: [0, 0] })).toThrow(/train\.y\[1\]/);
    expect(() => fitLambdaMart(train, { ...options, featureNames: ['a'] })).toThrow(/featureNames/);
    expect(() => fitLambdaMart(train, options, { X: [[1, 2]], y: [1], queries: [0] })).toThrow(/validation\.X/);
  });
});

describe('compiled LambdaMART', () => {
  it('scores exactly as the tree walk, reading its features from mapped columns of wider rows', () => {
    const train = plantedQueries(30, 5);
    const model = fitLambdaMart(train, { nEstimators: 40, maxDepth: 4 });
    const test = plantedQueries(10, 6);
    const expected = scoreLambdaMart(model, test.X);
    expect(scoreCompiledLambdaMart(compileLambdaMart(model), test.X)).toEqual(expected);
    // The model's features 0, 1, 2 at columns 4, 0, 2 of five-column rows.
    const wide = test.X.map(([a, b, c]) => [b, 9, c, -9, a]);
    const scores = scoreCompiledLambdaMart(compileLambdaMart(model, [4, 0, 2]), wide);
    scores.forEach((score, i) => expect(Object.is(score, expected[i])).toBe(true));
    expect(() => scoreCompiledLambdaMart(compileLambdaMart(model, [4, 0, 2]), [[1, 2, 3]])).toThrow(/column 4/);
    expect(() => compileLambdaMart(model, [0, 1])).toThrow(/2 columns/);
  });

  it('refuses a tree whose children do not follow their node instead of looping on it', () => {
    const model = fitLambdaMart(plantedQueries(30, 5), { nEstimators: 3, maxDepth: 2 });
    const cyclic = structuredClone(model);
    const tree = cyclic.trees[1];
    const split = tree.feature.findIndex((f) => f >= 0);
    tree.left[split] = split;
    expect(() => compileLambdaMart(cyclic)).toThrow(/tree 1 node \d+: children/);
    const wide = structuredClone(model);
    wide.trees[0].feature[wide.trees[0].feature.findIndex((f) => f >= 0)] = 7;
    expect(() => compileLambdaMart(wide)).toThrow(/feature 7 of a model of 3/);
  });
});

