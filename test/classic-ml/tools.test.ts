import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError } from '../../src/errors.js';
import { classicMlTools, findTool, runTool } from '../../src/classic-ml/index.js';
import { reference } from './reference-values.js';

const run = (name: string, input: unknown) => runTool(findTool(name), input) as Promise<Record<string, any>>;

describe('tool registry', () => {
  it('lists every tool of the issue with JSON-schema-convertible schemas', () => {
    const names = classicMlTools.map((t) => t.name);
    for (const name of ['problem-brief', 'data-quality', 'leakage-check', 'features', 'train', 'predict', 'anomalies', 'classification-metrics', 'regression-metrics', 'fairness', 'drift', 'ab-sample-size', 'ab-test', 'model-card', 'rubric']) {
      expect(names).toContain(name);
    }
    for (const tool of classicMlTools) {
      expect(tool.description.length).toBeGreaterThan(20);
      expect(() => z.toJSONSchema(tool.inputSchema, { io: 'input', unrepresentable: 'any' })).not.toThrow();
    }
    expect(() => findTool('nope')).toThrow(/tool: unknown tool "nope"; known: problem-brief/);
  });
  it('schema errors become InputErrors naming the path', async () => {
    await expect(run('classification-metrics', { yTrue: [0, 1], yScore: [0.1, 'x'] })).rejects.toThrow(/yScore.1: /);
    await expect(run('drift', { reference: [1], current: [1], method: 'kl' })).rejects.toBeInstanceOf(InputError);
  });
});

describe('tool contracts', () => {
  it('classification-metrics returns the contract fields and bootstrap intervals', async () => {
    const c = reference.classification[1];
    const out = await run('classification-metrics', { yTrue: c.yTrue, yScore: c.yScore, bootstrap: { iterations: 200 } });
    expect(out.rocAuc).toBeCloseTo(c.rocAuc, 12);
    expect(out.prAuc).toBeCloseTo(c.averagePrecision, 12);
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['accuracy', 'precision', 'recall', 'f1', 'logLoss', 'brier', 'ece', 'confusion']));
    expect(out.intervals.rocAuc.lower).toBeLessThan(out.rocAuc);
    await expect(run('classification-metrics', { yTrue: [1, 1], yScore: [0.2, 0.3] })).rejects.toThrow(/yTrue: contains only class 1/);
  });
  it('regression-metrics and drift', async () => {
    expect(await run('regression-metrics', { yTrue: [1, 2], yPred: [1, 4] })).toEqual({ mae: 1, rmse: Math.sqrt(2), r2: expect.closeTo(-7, 12) });
    const ks = reference.ks[0];
    expect(await run('drift', { reference: ks.reference, current: ks.current, method: 'ks' })).toEqual({ method: 'ks', statistic: expect.closeTo(ks.statistic, 12), pValue: expect.closeTo(ks.pValue, 9), verdict: 'warning' });
    expect(await run('drift', { reference: ['a', 'b', 'a'], current: ['a', 'b', 'b'], method: 'chi2' })).toMatchObject({ verdict: 'none' });
  });
  it('ab-sample-size matches the formula and statsmodels; ab-test matches proportions_ztest', async () => {
    for (const c of reference.proportionSampleSize) {
      const out = await run('ab-sample-size', { baselineRate: c.baselineRate, minDetectableEffect: c.minDetectableEffect, alpha: c.alpha, power: c.power });
      expect(out.perGroup).toBe(c.formulaPerGroup);
      expect(Math.abs(out.perGroup - c.statsmodelsPerGroup)).toBeLessThan(1.5);
      expect(out.total).toBe(2 * out.perGroup);
    }
    expect(await run('ab-sample-size', { baselineRate: 0.1, minDetectableEffect: 0.02 })).toMatchObject({ perGroup: 3839, total: 7678 });
    for (const c of reference.meanSampleSize) {
      const out = await run('ab-sample-size', { standardDeviation: c.standardDeviation, minDetectableEffect: c.minDetectableEffect });
      expect(out.perGroup).toBe(Math.ceil(c.statsmodelsPerGroup));
    }
    await expect(run('ab-sample-size', { baselineRate: 0.99, minDetectableEffect: 0.02 })).rejects.toThrow(/minDetectableEffect: moves the rate to 1.01/);
    for (const c of reference.ztest) {
      const out = await run('ab-test', { control: c.control, treatment: c.treatment });
      expect(out.z).toBeCloseTo(c.z, 10);
      expect(out.pValue).toBeCloseTo(c.pValue, 10);
    }
  });
  it('ab-test decides ship / iterate / kill by the methodology', async () => {
    const win = { control: { conversions: 200, visitors: 2000 }, treatment: { conversions: 260, visitors: 2000 } };
    expect((await run('ab-test', { ...win, runtimeDays: 7, minimumRelativeLift: 0.1 })).decision).toBe('ship');
    expect((await run('ab-test', { ...win, runtimeDays: 3 })).decision).toBe('iterate');
    expect((await run('ab-test', { ...win, runtimeDays: 7, guardrails: [{ name: 'latency', control: 100, treatment: 130, higherIsBetter: false, tolerance: 0.1 }] })).decision).toBe('kill');
    const flat = { control: { conversions: 200, visitors: 2000 }, treatment: { conversions: 205, visitors: 2000 } };
    expect((await run('ab-test', { ...flat, runtimeDays: 8 })).decision).toBe('iterate');
    expect((await run('ab-test', { ...flat, runtimeDays: 14 })).decision).toBe('kill');
    await expect(run('ab-test', { control: { conversions: 5, visitors: 4 }, treatment: { conversions: 1, visitors: 4 } })).rejects.toThrow(/control.conversions/);
  });
  it('fairness: rates, equal opportunity and the 80% rule by hand', async () => {
    const out = await run('fairness', { yTrue: [1, 1, 0, 0, 1, 1, 0, 0], yScore: [0.9, 0.8, 0.7, 0.1, 0.9, 0.2, 0.1, 0.1], groups: ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'] });
    expect(out.groups[0]).toMatchObject({ group: 'a', selectionRate: 0.75, truePositiveRate: 1, falsePositiveRate: 0.5 });
    expect(out.groups[1]).toMatchObject({ group: 'b', selectionRate: 0.25, truePositiveRate: 0.5, falsePositiveRate: 0 });
    expect(out.equalOpportunityDifference).toBe(0.5);
    expect(out.disparateImpactRatio).toBeCloseTo(1 / 3, 12);
    expect(out.passesFourFifthsRule).toBe(false);
    await expect(run('fairness', { yTrue: [1, 0], yScore: [0.5, 0.5], groups: ['a', 'a'] })).rejects.toThrow(/groups: has a single group/);
  });
  it('anomalies: contamination picks the top scores; train/predict round trip', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => [Math.sin(i), Math.cos(i)]);
    rows[37] = [9, -9];
    const out = await run('anomalies', { rows, contamination: 0.01, seed: 2 });
    expect(out.outliers).toEqual([37]);
    expect(out.scores[37]).toBe(Math.max(...out.scores));
    await expect(run('anomalies', { rows: [[1], [2, 3]] })).rejects.toThrow(/rows\[1\]: has 2 columns, row 0 has 1/);
    const trained = await run('train', { model: 'logistic-regression', X: [[0], [1], [2], [3]], y: [0, 0, 1, 1] });
    expect(trained.trainingMetrics.accuracy).toBe(1);
    const predicted = await run('predict', { model: JSON.parse(JSON.stringify(trained.model)), X: [[-5], [8]] });
    expect(predicted).toMatchObject({ kind: 'probability', labels: [0, 1] });
    const card = await run('model-card', { model: trained.model, details: { modelName: 'toy', owner: 'ml team', evaluation: { metrics: { rocAuc: 1 } } }, date: '2025-01-01' });
    expect(card.markdown).toContain('# Model card: toy 0.1.0');
    expect(card.card.algorithm).toBe('logistic-regression');
    expect(card.missing).toContain('intendedUse');
    expect(card.missing).not.toContain('owner');
  });
  it('rubric: weighted total and band', async () => {
    const all = (v: number) => ({ problemFraming: v, dataQuality: v, experimentRigor: v, modelPerformance: v, deployment: v, monitoring: v, documentation: v, costEfficiency: v });
    expect(await run('rubric', { scores: all(5) })).toMatchObject({ total: 100, band: 'production-grade' });
    // 15% * 5/5 + 85% * 3/5 = 15 + 51 = 66.
    expect(await run('rubric', { scores: { ...all(3), problemFraming: 5 } })).toMatchObject({ total: 66, band: 'good-foundations' });
    expect(await run('rubric', { scores: all(0) })).toMatchObject({ total: 0, band: 'science-project' });
    await expect(run('rubric', { scores: { ...all(3), monitoring: 6 } })).rejects.toThrow(/scores.monitoring/);
  });
  it('problem-brief validates and decides ML vs rules', async () => {
    const brief = { businessObjective: 'cut churn', successMetric: 'reduce churn 15%', baseline: 'rules catch 40%', mlTaskType: 'classification', predictionTarget: 'churn in 30 days', predictionConsumer: 'email', latencyRequirement: 'batch', dataAvailable: 'billing' };
    const ok = await run('problem-brief', { brief, signals: { explainableInUnder10Rules: false, patternTooComplexForHumans: true, labeledExamples: 50_000, needsToAdaptToNewPatterns: true, mustBeFullyAuditable: false, patternChangesFasterThanRules: false } });
    expect(ok).toMatchObject({ valid: true, decision: { decision: 'ml' } });
    expect(ok.brief.killCriteria).toHaveLength(3);
    expect(ok.notes.join(' ')).toMatch(/ethicalConsiderations is empty/);
    const bad = await run('problem-brief', { brief: { ...brief, mlTaskType: 'magic', successMetric: '' } });
    expect(bad.valid).toBe(false);
    expect(bad.issues.join(' ')).toMatch(/successMetric/);
    const audited = await run('problem-brief', { signals: { explainableInUnder10Rules: false, patternTooComplexForHumans: true, labeledExamples: 50_000, needsToAdaptToNewPatterns: true, mustBeFullyAuditable: true, patternChangesFasterThanRules: true } });
    expect(audited.decision.decision).toBe('rules');
  });
});

describe('data tools', () => {
  const day = (d: number) => new Date(Date.UTC(2025, 0, d)).toISOString();
  it('data-quality scores each dimension by the thresholds and gates at 18', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => ({ x: i % 2 === 0 ? i : i + 1000, label: i % 2, when: day(1 + (i % 10)), note: i % 50 === 0 ? '' : 'ok' }));
    const out = await run('data-quality', { rows, target: 'label', timestampColumn: 'when', now: day(12), rules: [{ column: 'x', kind: 'range', min: 0 }] });
    // Missing 24 of 4800 cells = 0.5% -> 5; rules hold -> 5; no duplicates -> 5; newest 2 days old -> 4;
    // x is ~1000 higher for label 1 (r ~0.8 >= 0.5) -> 5; 600 rows per class (>= 500) -> 2.
    expect(out.scores).toEqual({ completeness: 5, accuracy: 5, consistency: 5, timeliness: 4, relevance: 5, volume: 2 });
    expect(out.total).toBe(26);
    expect(out.proceed).toBe(true);
    const poor = await run('data-quality', { csv: 'a,b\n1,\n1,\n,x\n2,3\n' });
    expect(poor.proceed).toBe(false);
    expect(poor.details.duplicateRows).toBe(1);
    expect(poor.scores.completeness).toBe(1);
    await expect(run('data-quality', { rows: [] })).rejects.toThrow(/rows: has no rows/);
    await expect(run('data-quality', { rows, timestampColumn: 'note' })).rejects.toThrow(/rows.note: row 1 is "ok"/);
  });
  it('leakage-check finds duplicates, shared ids, time travel, target proxies and test-fit scalers', async () => {
    const train = Array.from({ length: 40 }, (_, i) => ({ id: `u${i}`, t: day(1 + (i % 20)), x: i % 7, leak: i % 2, y: i % 2 }));
    const test = [{ id: 'u3', t: day(4), x: 3, leak: 1, y: 1 }, { id: 'u99', t: day(25), x: 100, leak: 0, y: 0 }];
    const xs = [...train, ...test].map((r) => r.x);
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length);
    const out = await run('leakage-check', { train, test, target: 'y', idColumn: 'id', timeColumn: 't', scalers: [{ column: 'x', mean, std }], preprocessing: [{ name: 'imputer', fitOn: 'all' }] });
    const checks = out.findings.map((f: { check: string }) => f.check);
    expect(checks).toEqual(expect.arrayContaining(['duplicate-rows', 'shared-ids', 'temporal-order', 'predictive-feature', 'scaler-fit', 'preprocessing-fit']));
    expect(out.findings.find((f: { check: string }) => f.check === 'predictive-feature').column).toBe('leak');
    expect(out.passed).toBe(false);
    const clean = await run('leakage-check', { train: train.map(({ leak, ...r }) => r), test: [{ id: 'u99', t: day(25), x: 100, y: 0 }], target: 'y', idColumn: 'id', timeColumn: 't' });
    expect(clean).toEqual({ passed: true, findings: [] });
  });
  it('features fit on train and apply to other rows', async () => {
    const train = [
      { v: 0, c: 'a', h: 0, y: 1, text: 'the cat sat' },
      { v: 2, c: 'b', h: 6, y: 0, text: 'the dog' },
      { v: 4, c: 'a', h: 12, y: 1, text: 'cat cat' },
      { v: 6, c: 'b', h: 18, y: 0, text: 'dog sat' },
    ];
    const steps = [
      { kind: 'standardize', column: 'v' }, { kind: 'log', column: 'v' }, { kind: 'one-hot', column: 'c' },
      { kind: 'cyclical', column: 'h', period: 24 }, { kind: 'lag', column: 'v', lags: [1, 2] },
      { kind: 'rolling', column: 'v', window: 2, stats: ['mean', 'max'] }, { kind: 'bin', column: 'v', bins: 2 },
      { kind: 'target-encoding', column: 'c', target: 'y', folds: 2, smoothing: 0 }, { kind: 'tfidf', column: 'text', maxFeatures: 10 },
    ];
    const out = await run('features', { train, steps, apply: [{ v: 10, c: 'z', h: 6, y: 0, text: 'cat' }] });
    const sd = Math.sqrt(5);
    expect(out.train[0].v_z).toBeCloseTo(-3 / sd, 12);
    expect(out.applied[0].v_z).toBeCloseTo(7 / sd, 12); // train mean 3, train std sqrt(5)
    expect(out.train[1].v_log).toBeCloseTo(Math.log(3), 12);
    expect(out.applied[0]).toMatchObject({ 'c=a': 0, 'c=b': 0, v_bin: 1, c_te: 0.5, h_sin: expect.closeTo(1, 12), text_tfidf_cat: expect.closeTo(1, 12) });
    expect(out.train[2]).toMatchObject({ v_lag1: 2, v_lag2: 0, v_roll2_mean: 1, v_roll2_max: 2 });
    expect(out.train[0]).toMatchObject({ v_lag1: null, v_roll2_mean: null });
    // Out-of-fold: every train row's encoding excludes its own target.
    expect(out.train.every((r: Record<string, number>) => r.c_te === 1 || r.c_te === 0 || r.c_te === 0.5)).toBe(true);
    const reused = await run('features', { fitted: out.fitted, apply: [{ v: 3, c: 'a', h: 0, y: 1, text: 'dog' }] });
    expect(reused.applied[0].v_z).toBeCloseTo(0, 12);
    await expect(run('features', { train, steps: [{ kind: 'standardize', column: 'c' }] })).rejects.toThrow(/train.c: row 0 is the string "a", expected a number/);
    await expect(run('features', { train, steps: [{ kind: 'log', column: 'v', offset: 0 }] })).rejects.toThrow(/train.v: row 0 is 0; log needs values above 0/);
    await expect(run('features', { train, steps: [{ kind: 'standardize', column: 'missing' }] })).rejects.toThrow(/train.missing: no such column/);
  });
  it('tf-idf matches scikit-learn TfidfVectorizer', async () => {
    const { fitTfidf, transformTfidf } = await import('../../src/classic-ml/index.js');
    const f = reference.tfidf;
    const model = fitTfidf(f.train);
    expect(model.vocabulary).toEqual(f.vocabulary);
    model.idf.forEach((v, i) => expect(v).toBeCloseTo(f.idf[i], 12));
    transformTfidf(model, f.apply).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(f.apply_matrix[i][j], 12)));
  });
});
