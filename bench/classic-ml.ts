// Classic-ML benchmark: prints one JSON document. Run: node --import tsx bench/classic-ml.ts
import { performance } from 'node:perf_hooks';
import {
  createRandom, fitGradientBoosting, fitIsolationForest, kolmogorovSmirnovTest, populationStabilityIndex,
  predictGradientBoosting, rocAuc, scoreIsolationForest,
} from '../src/classic-ml/index.js';

const random = createRandom(7);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const time = <T>(f: () => T): { value: T; seconds: number } => {
  const start = performance.now();
  const value = f();
  return { value, seconds: (performance.now() - start) / 1000 };
};

const MILLION = 1_000_000;
const reference = Array.from({ length: MILLION }, gaussian);
const current = Array.from({ length: MILLION }, () => gaussian() * 1.05 + 0.02);
const psi = time(() => populationStabilityIndex(reference, current));
const ks = time(() => kolmogorovSmirnovTest(reference, current));

// Synthetic tabular task: 20 features, a non-linear rule on 5 of them, 5% label noise.
const ROWS = 100_000;
const FEATURES = 20;
const X = Array.from({ length: ROWS }, () => Array.from({ length: FEATURES }, gaussian));
const y = X.map((x) => {
  const signal = x[0] + x[1] * x[2] + Math.sin(2 * x[3]) - 0.5 * Math.abs(x[4]);
  const label = signal > 0 ? 1 : 0;
  return random() < 0.05 ? 1 - label : label;
});
const trainRows = 80_000;
const fit = time(() => fitGradientBoosting(X.slice(0, trainRows), y.slice(0, trainRows), { nEstimators: 100, maxDepth: 6 }));
const probabilities = predictGradientBoosting(fit.value, X.slice(trainRows));
const accuracy = probabilities.filter((p, i) => (p >= 0.5 ? 1 : 0) === y[trainRows + i]).length / probabilities.length;

const fullFit = time(() => fitGradientBoosting(X, y, { nEstimators: 100, maxDepth: 6 }));

// Isolation forest: 100k rows of 10 features, 1% shifted outliers.
const anomalyRows = Array.from({ length: ROWS }, (_, i) => Array.from({ length: 10 }, () => gaussian() + (i % 100 === 0 ? 4 : 0)));
const anomalyLabels = anomalyRows.map((_, i) => (i % 100 === 0 ? 1 : 0) as 0 | 1);
const iso = time(() => {
  const model = fitIsolationForest(anomalyRows);
  return scoreIsolationForest(model, anomalyRows);
});

console.log(JSON.stringify({
  node: process.version,
  psi: { rows: MILLION, seconds: psi.seconds, statistic: psi.value, targetSeconds: 1 },
  ks: { rows: MILLION, seconds: ks.seconds, statistic: ks.value.statistic, pValue: ks.value.pValue, targetSeconds: 1 },
  gradientBoosting: {
    rows: ROWS, features: FEATURES, trees: 100, maxDepth: 6,
    fitSecondsOn100k: fullFit.seconds,
    fitSecondsOn80kTrain: fit.seconds,
    holdoutAccuracy: accuracy,
    holdoutRocAuc: rocAuc(y.slice(trainRows) as (0 | 1)[], probabilities),
    bayesAccuracyCeiling: 0.95,
  },
  isolationForest: { rows: ROWS, features: 10, trees: 100, fitAndScoreSeconds: iso.seconds, auc: rocAuc(anomalyLabels, iso.value), targetSeconds: 5 },
}, null, 2));
