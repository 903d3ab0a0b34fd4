import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  averagePrecision, bootstrapInterval, brierScore, calibration, confusionMatrix, logLoss, macroF1, ndcgAtK, precisionAtK,
  regressionScores, rocAuc, thresholdMetrics,
} from '../../src/classic-ml/index.js';
import { reference } from './reference-values.js';

describe('ROC-AUC and average precision: textbook cases', () => {
  it('perfect ranking is 1, inverse ranking is 0', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(rocAuc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1])).toBe(0);
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    // Inverse: positives at ranks 3 and 4 -> AP = 0.5 * 1/3 + 0.5 * 2/4.
    expect(averagePrecision([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1])).toBeCloseTo(0.5 / 3 + 0.25, 12);
  });
  it('ties count one half', () => {
    // All scores tied: every positive-negative pair is a tie -> 0.5.
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    // Pairs (p, n): p=0.6 beats n=0.2 and ties n=0.6; p=0.9 beats both -> (1 + 0.5 + 1 + 1) / 4.
    expect(rocAuc([0, 0, 1, 1], [0.2, 0.6, 0.6, 0.9])).toBe(0.875);
    // AP with a tie at the second threshold: thresholds 0.9 (1 tp), 0.6 (2 tp, 1 fp), 0.2.
    expect(averagePrecision([0, 0, 1, 1], [0.2, 0.6, 0.6, 0.9])).toBeCloseTo(0.5 * 1 + 0.5 * (2 / 3), 12);
  });
  it('one class is an InputError naming yTrue, never NaN', () => {
    expect(() => rocAuc([1, 1, 1], [0.2, 0.5, 0.9])).toThrow(/yTrue: contains only class 1/);
    expect(() => averagePrecision([0, 0], [0.2, 0.5])).toThrow(InputError);
  });
  it('bad input names the field and the problem', () => {
    expect(() => rocAuc([0, 1], [0.2, Number.NaN])).toThrow(/yScore: value at index 1 is NaN/);
    expect(() => rocAuc([0, 1, 1], [0.2, 0.4])).toThrow(/yScore: has 2 values but yTrue has 3/);
    expect(() => rocAuc([0, 2] as never, [0.2, 0.4])).toThrow(/yTrue: value at index 1 is 2, expected 0 or 1/);
    expect(() => rocAuc([0, 1], [0.1, '0.3'] as never)).toThrow(/yScore: value at index 1 is the string "0.3"/);
    expect(() => logLoss([0, 1], [0.1, Infinity])).toThrow(/yScore: value at index 1 is Infinity/);
    expect(() => logLoss([0, 1], [0.1, 1.2])).toThrow(/probability/);
    expect(() => regressionScores([], [])).toThrow(/yTrue: is empty/);
  });
  it('matches scikit-learn on tied scores', () => {
    for (const c of reference.classification) {
      expect(rocAuc(c.yTrue, c.yScore)).toBeCloseTo(c.rocAuc, 12);
      expect(averagePrecision(c.yTrue, c.yScore)).toBeCloseTo(c.averagePrecision, 12);
      expect(logLoss(c.yTrue, c.yScore)).toBeCloseTo(c.logLoss, 12);
      expect(brierScore(c.yTrue, c.yScore)).toBeCloseTo(c.brier, 12);
    }
  });
});

describe('threshold, ranking and probability metrics', () => {
  it('confusion matrix and derived rates by hand', () => {
    const c = confusionMatrix([1, 1, 0, 0, 1], [0.9, 0.4, 0.6, 0.1, 0.5]);
    expect(c).toEqual({ tp: 2, fp: 1, tn: 1, fn: 1 });
    expect(thresholdMetrics(c)).toEqual({ accuracy: 0.6, precision: 2 / 3, recall: 2 / 3, f1: 2 / 3 });
    // No predicted positives: precision 0 (scikit-learn zero_division=0), not NaN.
    expect(thresholdMetrics(confusionMatrix([1, 0], [0.1, 0.2]))).toEqual({ accuracy: 0.5, precision: 0, recall: 0, f1: 0 });
  });
  it('macro F1 averages classes equally', () => {
    // Class a: tp 1 fp 0 fn 1 -> 2/3; class b: tp 1 fp 1 fn 0 -> 2/3; class c: tp 1 -> 1.
    expect(macroF1(['a', 'a', 'b', 'c'], ['a', 'b', 'b', 'c'])).toBeCloseTo((2 / 3 + 2 / 3 + 1) / 3, 12);
  });
  it('NDCG matches scikit-learn with ties; precision@k by hand', () => {
    for (const c of reference.ndcg) expect(ndcgAtK(c.relevance, c.yScore, c.k)).toBeCloseTo(c.value, 12);
    expect(ndcgAtK([3, 2, 1], [3, 2, 1], 3)).toBe(1);
    expect(precisionAtK([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], 2)).toBe(0.5);
  });
  it('log loss and Brier by hand; calibration bins and ECE', () => {
    expect(logLoss([1, 0], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 14);
    expect(brierScore([1, 0], [0.8, 0.4])).toBeCloseTo((0.04 + 0.16) / 2, 14);
    // Bin [0.2,0.3): preds 0.25, 0.25 with labels 0, 1 -> observed 0.5; bin [0.9,1]: 0.95, 0.95 labels 1, 1.
    const { bins, ece } = calibration([0, 1, 1, 1], [0.25, 0.25, 0.95, 0.95]);
    expect(bins[2]).toMatchObject({ count: 2, observedRate: 0.5, meanPredicted: 0.25 });
    expect(bins[0]).toMatchObject({ count: 0, observedRate: null });
    expect(ece).toBeCloseTo(0.5 * 0.25 + 0.5 * 0.05, 12);
  });
  it('regression metrics by hand; constant target follows scikit-learn', () => {
    const r = regressionScores([1, 2, 3, 4], [1.5, 2, 2, 5]);
    expect(r.mae).toBeCloseTo(2.5 / 4, 14);
    expect(r.rmse).toBeCloseTo(Math.sqrt(2.25 / 4), 14);
    expect(r.r2).toBeCloseTo(1 - 2.25 / 5, 14);
    expect(regressionScores([2, 2], [2, 2]).r2).toBe(1);
    expect(regressionScores([2, 2], [1, 3]).r2).toBe(0);
  });
  it('bootstrap interval brackets the estimate, is seeded, and skips one-class resamples', () => {
    const y: (0 | 1)[] = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const s = y.map((v, i) => v * 0.3 + ((i * 7919) % 100) / 100);
    const auc = (idx: number[]) => rocAuc(idx.map((i) => y[i]), idx.map((i) => s[i]));
    const a = bootstrapInterval(y.length, auc, { iterations: 300, seed: 5 });
    const b = bootstrapInterval(y.length, auc, { iterations: 300, seed: 5 });
    expect(a).toEqual(b);
    const point = rocAuc(y, s);
    expect(a.lower).toBeLessThan(point);
    expect(a.upper).toBeGreaterThan(point);
    expect(a.upper - a.lower).toBeLessThan(0.2);
    expect(() => bootstrapInterval(10, () => rocAuc([1, 1], [0.1, 0.2]), { iterations: 20 })).toThrow(/20 of 20 resamples/);
  });
});
