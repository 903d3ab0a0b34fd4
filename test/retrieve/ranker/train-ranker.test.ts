import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../src/classic-ml/core/random.js';
import { PORTABLE_RANKER_FEATURES, RANKER_FEATURES } from '../../../src/retrieve/ranker/ranker-features.js';
import { parseRankerModel, scoreRankerRows } from '../../../src/retrieve/ranker/ranker-model.js';
import type { RankerQueryRows } from '../../../src/retrieve/ranker/ranker-rows.js';
import { crossValidateRanker, featureSubset, fitRanker, summarizeCrossValidation } from '../../../src/retrieve/ranker/train-ranker.js';

/**
 * 40 queries of 15 candidates over synthetic feature rows: the first stage's order is noise around
 * the relevant document, the planted signal is proximity_window (a portable feature).
 */
function plantedQueries(): RankerQueryRows[] {
  const random = createRandom(3);
  const signal = RANKER_FEATURES.indexOf('proximity_window');
  return Array.from({ length: 40 }, (_, q) => {
    const relevant = Math.floor(random() * 15);
    const features = Array.from({ length: 15 }, (_, i) => {
      const row = RANKER_FEATURES.map(() => random());
      row[signal] = i === relevant ? 0.8 + 0.2 * random() : 0.7 * random();
      return row;
    });
    return {
      id: `q${q}`,
      group: `q${q}`,
      judged: new Map([[`q${q}-d${relevant}`, 1]]),
      externalIds: features.map((_, i) => `q${q}-d${i}`),
      firstStageScores: features.map((_, i) => 15 - i),
      features,
      labels: features.map((_, i) => (i === relevant ? 1 : 0)),
      featureMs: 0,
    };
  });
}

describe('training the ranker', () => {
  const queries = plantedQueries();
  const lambdaMart = { minSamplesLeaf: 5, maxDepth: 3, nEstimators: 60 };

  it('cross-validates on a feature subset and beats the first stage; the model reads only those features', () => {
    const cv = crossValidateRanker(queries, { folds: 4, lambdaMart, features: PORTABLE_RANKER_FEATURES });
    const summary = summarizeCrossValidation(cv);
    expect(summary.ndcg.lambdamart.mean).toBeGreaterThan(summary.ndcg.firstStage.mean + 0.3);
    expect(summary.ndcg.lambdamart.mean).toBeGreaterThanOrEqual(summary.ndcg.linear.mean - 0.05);
    expect(summary.paired.lambdamartVsFirstStage.pValue).toBeLessThan(0.01);
    const model = parseRankerModel(JSON.parse(JSON.stringify(fitRanker(queries, { depth: 15, mode: 'sparse', folds: 4, features: PORTABLE_RANKER_FEATURES, lambdaMart }))));
    expect(model.featureNames).toEqual([...PORTABLE_RANKER_FEATURES]);
    const scores = scoreRankerRows(model, queries[0].features);
    expect(scores.indexOf(Math.max(...scores))).toBe(queries[0].labels.indexOf(1));
  });

  it('refuses unknown feature names', () => {
    expect(() => featureSubset(['bm25_ratio', 'nope'])).toThrow(/unknown feature\(s\) nope/);
    expect(() => featureSubset([])).toThrow(/names no feature/);
    expect(featureSubset(undefined)).toEqual([...RANKER_FEATURES]);
  });
});
