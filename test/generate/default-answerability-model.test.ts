import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ANSWERABILITY_MODEL_PATH, loadAnswerabilityModel } from '../../src/generate/answerability-model.js';
import { ANSWERABILITY_FEATURES } from '../../src/generate/answerability-features.js';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the packaged answerability model over samples/corpus', { timeout: 120_000 }, () => {
  let gw: Groundwork;
  let plain: Groundwork;
  beforeAll(async () => {
    const config = { dataDir: 'memory://', tenant: 'samples', cache: { enabled: false }, retrieve: { mode: 'sparse' as const } };
    gw = await createGroundwork({ config: { ...config, generate: { answerability: { model: 'default' } } }, useEnvironment: false });
    await gw.ingest([join(ROOT, 'samples', 'corpus')]);
    plain = await createGroundwork({ config: { ...config, generate: { answerability: { model: 'off' } } }, useEnvironment: false });
    await plain.ingest([join(ROOT, 'samples', 'corpus')]);
  });
  afterAll(async () => {
    await gw?.close();
    await plain?.close();
  });

  it('loads offline from models/answerability/default.json with the features this version computes', () => {
    const model = loadAnswerabilityModel('default')!;
    expect(DEFAULT_ANSWERABILITY_MODEL_PATH).toMatch(/models[/\\]answerability[/\\]default\.json$/);
    expect(model.featureNames).toEqual([...ANSWERABILITY_FEATURES]);
    expect(model.operatingPoint.maxFalseRefusal).toBe(0.05);
    expect(Object.keys(model.training.dataHashes).length).toBeGreaterThan(0);
    expect(loadAnswerabilityModel('off')).toBeUndefined();
  });

  it('answers the per diem question, with its score', async () => {
    const result = await gw.ask({ question: 'How much is the per diem for meals when travelling overnight?' });
    expect(result.refused).toBe(false);
    expect(result.answer).toMatch(/EUR 60/);
    expect(result.answerabilityScore).toBeGreaterThanOrEqual(loadAnswerabilityModel('default')!.operatingPoint.threshold);
  });

  it('refuses an obviously unanswerable question as unanswerable, before any answerer runs', async () => {
    const result = await gw.ask({ question: 'What is the per diem for astronauts travelling to the Moon on the Artemis mission?' });
    expect(result.refused).toBe(true);
    expect(result.refusalReason).toBe('unanswerable');
    expect(result.answerabilityScore).toBeLessThan(loadAnswerabilityModel('default')!.operatingPoint.threshold);
    expect(result.sources).toEqual([]);
    expect(result.promptTokens).toBe(0);
  });

  it('is the default decision: a groundwork configured with nothing scores its answers', async () => {
    const config = { dataDir: 'memory://', tenant: 'samples', cache: { enabled: false }, retrieve: { mode: 'sparse' as const } };
    const defaults = await createGroundwork({ config, useEnvironment: false });
    try {
      expect(defaults.config.generate.answerability.model).toBe('default');
      await defaults.ingest([join(ROOT, 'samples', 'corpus', 'travel-and-expense-policy.md')]);
      const result = await defaults.ask({ question: 'How much is the per diem for meals when travelling overnight?' });
      expect(result.answerabilityScore).toBeGreaterThanOrEqual(loadAnswerabilityModel('default')!.operatingPoint.threshold);
    } finally {
      await defaults.close();
    }
  });

  it('with the model off, ask results carry no score', async () => {
    const result = await plain.ask({ question: 'How much is the per diem for meals when travelling overnight?' });
    expect(result.answerabilityScore).toBeUndefined();
    expect(result.refused).toBe(false);
  });
});
