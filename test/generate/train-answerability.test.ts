import { describe, expect, it } from 'vitest';
import { predictProbaRow } from '../../src/classic-ml/models/logistic-regression.js';
import { groupedHoldout } from '../../src/eval/grouped-holdout.js';
import { mulberry32 } from '../../src/eval/prng.js';
import { answerabilityFeatures, featureVector } from '../../src/generate/answerability-features.js';
import { parseAnswerabilityModel, scoreAnswerability } from '../../src/generate/answerability-model.js';
import { confidenceBaseline, evaluateAnswerability, operatingThreshold, trainAnswerability, type AnswerabilityRow } from '../../src/generate/train-answerability.js';
import { chunk } from './chunk-fixtures.js';

/**
 * A synthetic golden set: 30 towns, each one chunk of facts; answerable questions ask for a stated
 * fact, unanswerable ones for a fact of the same town the chunk never states. The retriever's
 * confidence is drawn at random for both kinds, so the confidence threshold cannot separate them.
 */
function syntheticRows(): AnswerabilityRow[] {
  const random = mulberry32(7);
  const rows: AnswerabilityRow[] = [];
  const names = ['Arden', 'Brisk', 'Calloway', 'Dunmore', 'Elmstead', 'Fenwick', 'Glenrock', 'Harrow', 'Ivybridge', 'Juniper', 'Kestrel', 'Lowmoor', 'Marsden', 'Northcote', 'Oakhurst', 'Pinecrest', 'Quarry', 'Redfern', 'Stanway', 'Thornbury', 'Upton', 'Valemont', 'Westerly', 'Yarrow', 'Zennor', 'Ashby', 'Bramley', 'Colwyn', 'Dalton', 'Everley'];
  names.forEach((town, k) => {
    const facts = chunk(k + 1, `${town} has a population of ${1200 + 37 * k} residents. The mayor of ${town} is Maria Lopez. The river through ${town} is called the Wend.`, { title: `${town} facts`, score: 5 + random() });
    const other = chunk(k + 100, `${names[(k + 1) % names.length]} hosts a spring market every April.`, { title: 'Markets', score: 2 + random() });
    const chunks = [facts, other];
    const ask = (id: string, question: string, answerable: boolean) =>
      rows.push({ id: `${town}-${id}`, group: town, answerable, features: answerabilityFeatures(question, chunks, random()) });
    ask('population', `What is the population of ${town}?`, true);
    ask('mayor', `Who is the mayor of ${town}?`, true);
    ask('river', `What is the river through ${town} called?`, true);
    ask('airport', `What is the airport code of ${town}?`, false);
    ask('founded', `In what year was ${town} founded?`, false);
  });
  return rows;
}

describe('trainAnswerability', () => {
  const rows = syntheticRows();
  const unanswerableGroups = new Set(rows.filter((row) => !row.answerable).map((row) => row.group));
  const split = groupedHoldout(rows.map((row) => row.group), { strataOf: (group) => (unanswerableGroups.has(group) ? 'u' : 'a') });
  const heldOut = new Set(split.heldOut);
  const training = rows.filter((row) => !heldOut.has(row.group));
  const evaluation = rows.filter((row) => heldOut.has(row.group));
  const budget = 0.1;
  const trained = trainAnswerability(training, { maxFalseRefusal: budget, seed: 3 });

  it('separates answerable from unanswerable held-out questions better than the confidence threshold at the same budget', () => {
    const model = evaluateAnswerability(trained.model, evaluation);
    const baseline = confidenceBaseline(training, evaluation, budget);
    expect(model.rocAuc).toBeGreaterThan(0.9);
    expect(model.refusal.mean).toBeGreaterThan(baseline.refusal.mean + 0.3);
    expect(model.falseRefusal.mean).toBeLessThanOrEqual(0.2);
  });

  it('calibration is monotone: a higher raw probability never gets a lower calibrated score', () => {
    const { model } = trained;
    expect(model.calibration.a).toBeGreaterThan(0);
    const raw = (row: AnswerabilityRow) => predictProbaRow(model.model, featureVector(row.features).map((v, j) => (v - model.standardization.means[j]) / model.standardization.stds[j]));
    const ordered = [...rows].sort((a, b) => raw(a) - raw(b));
    const scores = ordered.map((row) => scoreAnswerability(model, row.features));
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThanOrEqual(scores[i - 1] - 1e-12);
  });

  it('the operating point keeps cross-validated false refusal on the training folds within the budget', () => {
    const scores = trained.crossValidatedScores;
    const answerable = training.map((row) => row.answerable);
    const threshold = trained.model.operatingPoint.threshold;
    const refusedAnswerable = scores.filter((score, i) => answerable[i] && score < threshold).length;
    expect(refusedAnswerable / answerable.filter(Boolean).length).toBeLessThanOrEqual(budget);
    expect(trained.model.operatingPoint.falseRefusal).toBeLessThanOrEqual(budget);
    expect(trained.model.operatingPoint.refusal).toBeGreaterThan(0.5);
    expect(threshold).toBe(operatingThreshold(scores, answerable, budget));
  });

  it('saves as JSON that loads back and scores the same', () => {
    const loaded = parseAnswerabilityModel(JSON.parse(JSON.stringify(trained.model)));
    expect(scoreAnswerability(loaded, rows[0].features)).toBeCloseTo(scoreAnswerability(trained.model, rows[0].features), 12);
    expect(loaded.training).toMatchObject({ rows: training.length, folds: 5 });
  });

  it('weights repeat rows in the fits only: the rates still count each row once', () => {
    const weights = training.map((row) => (row.answerable ? 1 : 3));
    const weighted = trainAnswerability(training, { maxFalseRefusal: budget, weights });
    expect(weighted.model.training).toMatchObject({ rows: training.length, weighted: true });
    expect(weighted.crossValidatedScores).toHaveLength(training.length);
    expect(() => trainAnswerability(training, { weights: [1, 2] })).toThrow(/one integer >= 1 per row/);
  });

  it('refuses to train on one class', () => {
    expect(() => trainAnswerability(rows.filter((row) => row.answerable))).toThrow(/need at least 10 of each/);
  });
});
