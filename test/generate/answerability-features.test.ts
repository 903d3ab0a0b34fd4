import { describe, expect, it } from 'vitest';
import { ANSWERABILITY_FEATURES, answerabilityFeatures, featureVector } from '../../src/generate/answerability-features.js';
import { chunk, RETURNS, WARRANTY } from './chunk-fixtures.js';

describe('answerabilityFeatures', () => {
  it('a chunk that states the answer: full coverage, type match, no mismatch, answers at the default coverage', () => {
    const features = answerabilityFeatures('How long is the warranty on the Acme X200 drill?', [WARRANTY, RETURNS], 0.7);
    expect(features.best_coverage).toBeCloseTo(1, 6);
    expect(features.eligible_coverage).toBeCloseTo(1, 6);
    expect(features.best_type_match).toBe(1);
    expect(features.best_mismatches).toBe(0);
    expect(features.answers_at_default_coverage).toBe(1);
    expect(features.best_uncovered_terms).toBe(0);
    expect(features.question_expects_duration).toBe(1);
    expect(features.question_expects_none).toBe(0);
    expect(features.retrieval_confidence).toBe(0.7);
    // Scores 1 and 1/2 (chunk fixtures): the gap is half the top score.
    expect(features.score_gap).toBeCloseTo(0.5, 6);
    expect(features.second_score_ratio).toBeCloseTo(0.5, 6);
  });

  it('a sentence about another ordinal: the guard mismatch is counted and nothing is eligible', () => {
    const evidence = chunk(1, 'The 15th Dalai Lama was born in the Amdo region in 1974.', { title: 'Dalai Lamas' });
    const features = answerabilityFeatures('Where was the 12th Dalai Lama born?', [evidence], 0.9);
    // Every word but the ordinal is covered.
    expect(features.best_coverage).toBeGreaterThan(0.3);
    expect(features.best_mismatches).toBeGreaterThan(0);
    expect(features.eligible_coverage).toBe(0);
    expect(features.answers_at_default_coverage).toBe(0);
  });

  it('a question asking for a number over text without one: no type match', () => {
    const evidence = chunk(1, 'Members of the Ashgrove Library may borrow books and magazines.', { title: 'Ashgrove Library lending rules' });
    const features = answerabilityFeatures('How many books may an Ashgrove Library member borrow?', [evidence], 0.9);
    expect(features.question_expects_quantity).toBe(1);
    expect(features.best_type_match).toBe(0);
    expect(features.eligible_coverage).toBe(0);
  });

  it('chunks that share no word with the question: nothing covered, everything missed', () => {
    const features = answerabilityFeatures('Who designed the lunar lander?', [RETURNS], 0.2);
    expect(features.best_coverage).toBe(0);
    expect(features.best_uncovered_terms).toBe(1);
    expect(features.best_uncovered_max_weight).toBe(1);
    expect(features.answers_at_default_coverage).toBe(0);
  });

  it('no chunks and no content terms: finite zeros, one value per named feature', () => {
    for (const features of [answerabilityFeatures('What is the refund window?', [], 0), answerabilityFeatures('what is it?', [WARRANTY], 0.5)]) {
      const vector = featureVector(features);
      expect(vector).toHaveLength(ANSWERABILITY_FEATURES.length);
      expect(vector.every(Number.isFinite)).toBe(true);
    }
  });

  it('legs agree when the top chunk ranks first in both, unknown (0.5) with one leg', () => {
    const both = chunk(1, 'Refunds take 5 days.', { scores: { sparse: 3, sparseRank: 1, dense: 0.8, denseRank: 1 } });
    const apart = chunk(1, 'Refunds take 5 days.', { scores: { sparse: 3, sparseRank: 1, dense: 0.1, denseRank: 9 } });
    expect(answerabilityFeatures('How long do refunds take?', [both], 0.5).leg_agreement).toBe(1);
    expect(answerabilityFeatures('How long do refunds take?', [apart], 0.5).leg_agreement).toBe(0);
    expect(answerabilityFeatures('How long do refunds take?', [RETURNS], 0.5).leg_agreement).toBe(0.5);
  });

  it('the title counts as covered context: a question naming only the title is still covered', () => {
    const evidence = chunk(1, 'Members may borrow up to eight books.', { title: 'Ashgrove Library lending rules' });
    const features = answerabilityFeatures('How many books may an Ashgrove Library member borrow?', [evidence], 0.9);
    expect(features.best_coverage).toBeGreaterThan(features.best_own_coverage);
    expect(features.best_type_match).toBe(1);
  });
});
