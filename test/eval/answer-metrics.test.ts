import { describe, expect, it } from 'vitest';
import { exactMatch, normalizeAnswer, tokenF1 } from '../../src/eval/answer-correctness.js';
import { splitCitedSentences } from '../../src/eval/answer-sentences.js';
import { calibrateRefusalThreshold, routerTrainingRows } from '../../src/eval/calibrate-refusal.js';
import { citationScores } from '../../src/eval/citation-metrics.js';
import { lexicalGroundedness } from '../../src/eval/lexical-groundedness.js';
import { lexicalSupport } from '../../src/eval/lexical-support.js';
import { refusalMetrics } from '../../src/eval/refusal-metrics.js';

const PER_DIEM = 'Employees travelling overnight receive a flat per diem of EUR 60 per day for meals, covering breakfast, lunch and dinner.';
const HOTEL = 'Hotel rates are capped per night: Tier 1 cities such as London have a nightly cap of EUR 240.';

describe('SQuAD correctness', () => {
  it('normalizes like the SQuAD script and scores EM and token F1', () => {
    expect(normalizeAnswer('The  EUR 2,500!')).toBe('eur 2500');
    expect(exactMatch('the Frankfurt region.', 'Frankfurt region')).toBe(1);
    expect(exactMatch('Frankfurt', 'Frankfurt region')).toBe(0);
    // pred {eur, 60}, ref {eur, 60, per, day}: P = 1, R = 0.5, F1 = 2/3.
    expect(tokenF1('EUR 60', 'EUR 60 per day')).toBeCloseTo(2 / 3, 10);
    expect(tokenF1('nothing', ['EUR 60', 'nothing at all'])).toBeCloseTo(0.5, 10); // P = 1, R = 1/3
    expect(tokenF1('', '')).toBe(1);
    expect(tokenF1('x', '')).toBe(0);
  });
});

describe('lexical support, citations and groundedness', () => {
  it('supports a paraphrase from the right passage, not from another, and checks numbers', () => {
    expect(lexicalSupport('The per diem for meals is EUR 60 per day.', PER_DIEM).supported).toBe(true);
    expect(lexicalSupport('The per diem for meals is EUR 60 per day.', HOTEL).supported).toBe(false);
    const wrongNumber = lexicalSupport('The per diem for meals is EUR 75 per day.', PER_DIEM);
    expect(wrongNumber.supported).toBe(false);
    expect(wrongNumber.missingNumbers).toEqual(['75']);
  });

  it('splits sentences and attaches trailing markers', () => {
    const sentences = splitCitedSentences('The per diem is EUR 60 per day [1]. Tier 1 hotels are capped at EUR 240. [2][1] Enjoy!');
    expect(sentences).toEqual([
      { text: 'The per diem is EUR 60 per day.', citations: ['1'] },
      { text: 'Tier 1 hotels are capped at EUR 240.', citations: ['2', '1'] },
      { text: 'Enjoy!', citations: [] },
    ]);
  });

  it('citation precision and recall count supporting citations and supported sentences', () => {
    const passages = new Map([
      ['1', PER_DIEM],
      ['2', HOTEL],
    ]);
    const sentences = splitCitedSentences('The per diem for meals is EUR 60 per day [1][2]. The nightly cap in London is EUR 240 [2]. Cars cost EUR 9 [3].');
    const scores = citationScores(sentences, passages);
    // Citations: s1->1 (supports), s1->2 (does not), s2->2 (supports), s3->3 (unknown): precision 2/4.
    expect(scores.precision).toBeCloseTo(2 / 4, 10);
    // Sentences supported by their citations: s1, s2 of 3.
    expect(scores.recall).toBeCloseTo(2 / 3, 10);
    expect(scores.unknownCitations).toEqual(['3']);
    expect(citationScores(splitCitedSentences('No citations here.'), passages)).toMatchObject({ precision: undefined, recall: 0 });
  });

  it('groundedness is the share of sentences some context passage supports', () => {
    const result = lexicalGroundedness(splitCitedSentences('The per diem is EUR 60 per day for meals. Robots are painted purple.'), [HOTEL, PER_DIEM]);
    expect(result.score).toBe(0.5);
    expect(result.sentences.map((s) => s.supported)).toEqual([true, false]);
    expect(lexicalGroundedness([], [PER_DIEM]).score).toBeUndefined();
  });
});

describe('refusals and calibration', () => {
  it('refusal accuracy and false-refusal rate', () => {
    const metrics = refusalMetrics([
      { answerable: false, refused: true },
      { answerable: false, refused: false },
      { answerable: true, refused: true },
      { answerable: true, refused: false },
      { answerable: true, refused: false },
      { answerable: true, refused: false },
    ]);
    expect(metrics).toEqual({ refusalAccuracy: 0.5, falseRefusalRate: 0.25, unanswerable: 2, answerable: 4 });
    expect(refusalMetrics([{ answerable: true, refused: false }]).refusalAccuracy).toBeUndefined();
  });

  it('picks the threshold that separates low-confidence unanswerable questions', () => {
    const rows = [
      { confidence: 0.1, answerable: false, correct: false },
      { confidence: 0.2, answerable: false, correct: false },
      { confidence: 0.3, answerable: true, correct: false },
      { confidence: 0.6, answerable: true, correct: true },
      { confidence: 0.8, answerable: true, correct: true },
      { confidence: 0.9, answerable: false, correct: false },
    ];
    const calibration = calibrateRefusalThreshold(rows);
    // Refuse below 0.45: refuses the first three (utility 0 each), answers 0.6, 0.8 (+1 each) and 0.9 (-1) = 1.
    expect(calibration.threshold).toBeCloseTo(0.45, 10);
    expect(calibration.best.utility).toBe(1);
    expect(calibration.best.refusalAccuracy).toBeCloseTo(2 / 3, 10);
    expect(calibration.curve[0]).toMatchObject({ threshold: 0, utility: -2 });
    expect(calibration.curve).toHaveLength(7);
    expect(() => calibrateRefusalThreshold([{ confidence: 2, answerable: true, correct: true }])).toThrow(/rows\[0\]\.confidence/);
    expect(routerTrainingRows(rows).map((r) => r.success)).toEqual([false, false, false, true, true, false]);
  });
});
