import { describe, expect, it } from 'vitest';
import { fitPairwiseLinearRanker } from '../../../src/classic-ml/models/pairwise-linear-ranker.js';
import { createEnglishAnalyzer } from '../../../src/search-index/analyzer.js';
import { createRankerStage } from '../../../src/retrieve/ranker/apply-ranker.js';
import { PORTABLE_RANKER_FEATURES, RANKER_FEATURES } from '../../../src/retrieve/ranker/ranker-features.js';
import { DEFAULT_RANKER_MODEL_PATH, parseRankerModel, scoreRankerRows, type RankerModel } from '../../../src/retrieve/ranker/ranker-model.js';
import { rankerOptionsSchema, rm3OptionsSchema } from '../../../src/retrieve/ranker/ranker-options.js';
import { existsSync, readFileSync } from 'node:fs';

/** A linear ranker whose only signal is title_term_coverage (planted). */
function plantedModel(): RankerModel {
  const signal = RANKER_FEATURES.indexOf('title_term_coverage');
  const X: number[][] = [];
  const y: number[] = [];
  const queries: number[] = [];
  for (let q = 0; q < 10; q++) for (let r = 0; r < 6; r++) {
    const row = RANKER_FEATURES.map((_, j) => ((q * 31 + r * 17 + j * 7) % 11) / 11);
    row[signal] = r === 0 ? 1 : r / 10;
    X.push(row);
    y.push(r === 0 ? 1 : 0);
    queries.push(q);
  }
  return {
    kind: 'groundwork-ranker-model',
    version: 1,
    id: 'ranker-test',
    trainedAt: new Date(0).toISOString(),
    featureNames: [...RANKER_FEATURES],
    depth: 100,
    model: fitPairwiseLinearRanker({ X, y, queries }),
    training: { queries: 10, rows: 60, folds: 2, mode: 'sparse', dataHashes: {}, sources: [] },
    evaluation: {},
  };
}

describe('ranker model artifact', () => {
  it('parses a model and scores rows by its feature names', () => {
    const model = parseRankerModel(JSON.parse(JSON.stringify(plantedModel())));
    const low = RANKER_FEATURES.map(() => 0.5);
    const high = [...low];
    high[RANKER_FEATURES.indexOf('title_term_coverage')] = 1;
    const [a, b] = scoreRankerRows(model, [low, high]);
    expect(b).toBeGreaterThan(a);
  });

  it('refuses a model naming a feature this version does not compute, or with the wrong width', () => {
    const model = plantedModel();
    expect(() => parseRankerModel({ ...model, featureNames: [...model.featureNames.slice(1), 'mystery'] })).toThrow(/retrieve\.ranker\.model.*mystery/);
    expect(() => parseRankerModel({ ...model, featureNames: model.featureNames.slice(1) })).toThrow(/one per model column/);
    expect(() => parseRankerModel({ ...model, kind: 'other' })).toThrow(/a ranker model: kind/);
  });

  it('is off unless configured', () => {
    expect(createRankerStage(undefined, createEnglishAnalyzer(), 1)).toBeUndefined();
    expect(rankerOptionsSchema.parse({ model: 'x.json' }).depth).toBe(100);
    expect(rm3OptionsSchema.parse({}).enabled).toBe(false);
    expect(() => rankerOptionsSchema.parse({ model: 'x.json', depth: 1 })).toThrow();
  });

  it('ships a default model (`retrieve.ranker.model: "default"`): the portable preset trained on SciFact, with its card and EXP record', () => {
    expect(existsSync(DEFAULT_RANKER_MODEL_PATH)).toBe(true);
    const stage = createRankerStage({ model: 'default', depth: 100 }, createEnglishAnalyzer(), 1)!;
    const shipped = parseRankerModel(JSON.parse(readFileSync(DEFAULT_RANKER_MODEL_PATH, 'utf8')));
    expect(stage.model.id).toBe(shipped.id);
    expect(shipped.id).toMatch(/^ranker-\d{8}-[0-9a-f]{8}$/);
    expect(shipped.featureNames).toEqual([...PORTABLE_RANKER_FEATURES]);
    expect(shipped.training.sources).toEqual(['beir:scifact/train']);
    // The lines it shipped on, as the bench measured them.
    const squad = shipped.evaluation.squad2HeldOut as { inDomainMinusBm25: { difference: number }; scifactModelMinusBm25: { upper: number } };
    expect(squad.inDomainMinusBm25.difference).toBeGreaterThanOrEqual(0.02);
    expect(squad.scifactModelMinusBm25.upper).toBeGreaterThanOrEqual(0);
    const card = readFileSync(DEFAULT_RANKER_MODEL_PATH.replace(/\.json$/, '.card.md'), 'utf8');
    expect(card).toContain(`# Model card: ${shipped.id}`);
    const record = JSON.parse(readFileSync(DEFAULT_RANKER_MODEL_PATH.replace(/\.json$/, '.experiment.json'), 'utf8'));
    expect(record.config.rankerId).toBe(shipped.id);
    // It scores full feature rows: a row better on every feature it reads is not ranked below a worse one.
    const low = RANKER_FEATURES.map(() => 0);
    const high = RANKER_FEATURES.map(() => 0);
    for (const name of ['local_bm25_ratio', 'rm3_ratio', 'first_stage_ratio', 'title_idf_coverage', 'local_idf_coverage']) high[RANKER_FEATURES.indexOf(name as (typeof RANKER_FEATURES)[number])] = 1;
    const [highScore, lowScore] = scoreRankerRows(shipped, [high, low]);
    expect(highScore).toBeGreaterThan(lowScore);
  });
});
