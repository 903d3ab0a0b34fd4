import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { createModelRegistry } from '../../src/router/model-registry.js';
import { extractRoutingFeatures } from '../../src/router/routing-features.js';
import { createRuleBasedPredictor } from '../../src/router/success-predictor.js';
import { createTrainedPredictor, trainRouterPredictor, type RouterTrainingRow } from '../../src/router/train-router-predictor.js';

const registry = createModelRegistry();
const small = registry.get('openai:gpt-4o-mini');
const large = registry.get('openai:gpt-4o');

describe('routing features', () => {
  it('reads query length, parts, aggregation and score gap', () => {
    const f = extractRoutingFeatures({ query: 'Compare the R2 and R3 arms? Also list all warranties?', retrieval: { confidence: 0.7, scores: [2, 1.5, 1] } });
    expect(f).toEqual({ queryWords: 10, retrievalConfidence: 0.7, topScore: 2, topScoreGap: 0.25, questionParts: 3, aggregation: 1 });
    expect(extractRoutingFeatures({ query: 'hi' })).toMatchObject({ retrievalConfidence: 0, topScoreGap: 0, questionParts: 1 });
  });
});

describe('rule-based predictor', () => {
  it('explains each rule it applies and penalizes small models more on hard requests', () => {
    const rules = createRuleBasedPredictor();
    const easy = { queryWords: 8, retrievalConfidence: 0.9, topScoreGap: 0.4, questionParts: 1, aggregation: 0 };
    const hard = { queryWords: 45, retrievalConfidence: 0.2, topScoreGap: 0.01, questionParts: 3, aggregation: 1 };
    expect(rules.predict(easy, small)).toMatchObject({ probability: 0.8, source: 'rules', explanation: ['tier small: base 0.8'] });
    const hardSmall = rules.predict(hard, small);
    expect(hardSmall.explanation).toHaveLength(6);
    expect(hardSmall.probability).toBeCloseTo(0.8 - 0.15 - 0.1 - 0.05 - 0.16 - 0.12, 10);
    expect(rules.predict(hard, large).probability).toBeCloseTo(0.93 - 0.05 - 0.02 - 0 - 0.04 - 0.02, 10);
  });
});

describe('trainRouterPredictor', () => {
  // Ground truth: small succeeds when difficulty < 0.5, large almost always.
  const rows: RouterTrainingRow[] = [];
  for (let i = 0; i < 200; i++) {
    const d = (i * 37) % 200 / 200;
    rows.push({ model: small.id, features: { difficulty: d }, correct: d < 0.5 });
    rows.push({ model: large.id, features: { difficulty: d }, correct: i % 10 !== 0 });
  }

  it('learns per-model fits that serialize to JSON and predict the right direction', () => {
    const model = trainRouterPredictor(rows, { now: new Date('2025-01-01T00:00:00Z') });
    const restored = JSON.parse(JSON.stringify(model));
    const predictor = createTrainedPredictor(restored);
    expect(model.featureNames).toEqual(['difficulty']);
    expect(model.models[small.id].trainAccuracy).toBeGreaterThan(0.95);
    expect(predictor.predict({ difficulty: 0.1 }, small).probability).toBeGreaterThan(0.9);
    expect(predictor.predict({ difficulty: 0.9 }, small).probability).toBeLessThan(0.1);
    expect(predictor.predict({ difficulty: 0.9 }, large).probability).toBeGreaterThan(0.8);
    expect(predictor.predict({ difficulty: 0.9 }, small).source).toBe(`logistic:${small.id}`);
  });

  it('uses an explicit fallback for untrained models and refuses bad rows', () => {
    const predictor = createTrainedPredictor(trainRouterPredictor(rows.filter((r) => r.model === small.id)), createRuleBasedPredictor());
    expect(predictor.predict({ difficulty: 0.1 }, large).explanation[0]).toMatch(/no trained fit.*rules/);
    expect(() => createTrainedPredictor(trainRouterPredictor(rows.filter((r) => r.model === small.id))).predict({ difficulty: 0 }, large)).toThrow(/trained on/);
    expect(() => trainRouterPredictor(rows.slice(0, 10))).toThrow(InputError);
    expect(() => trainRouterPredictor([...rows, { features: {}, correct: true }])).toThrow(/features\.difficulty/);
    expect(() => createTrainedPredictor({ kind: 'other' })).toThrow(/router\.predictor/);
    expect(() => trainRouterPredictor(rows.map((r) => ({ ...r, correct: true })))).toThrow(/every answer is correct/);
  });
});
