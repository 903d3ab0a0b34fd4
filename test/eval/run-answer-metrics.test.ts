import { describe, expect, it } from 'vitest';
import type { GoldenItem } from '../../src/eval/golden-set.js';
import { answerContainment } from '../../src/eval/answer-correctness.js';
import { answerMetrics, answerText, citedSentences, documentCitationPrecision, isCorrectAnswer, referenceAnswers, referenceRecall } from '../../src/eval/run-answer-metrics.js';

const TRAVEL = '[Source: Travel Policy]';
const item = (overrides: Partial<GoldenItem> = {}): GoldenItem => ({
  id: 'g1',
  question: 'How much is the per diem?',
  reference_answer: 'EUR 60 per day',
  relevant_doc_ids: ['travel.md'],
  answerable: true,
  metadata: {},
  ...overrides,
});
const passages = new Map([
  [TRAVEL, 'Employees travelling overnight receive a flat per diem of EUR 60 per day for meals.'],
  ['[Source: Security Policy]', 'Laptops must use full-disk encryption and lock after five minutes.'],
]);

describe('citedSentences', () => {
  it('reads the extractive answer layout: quoted lines, each followed by its marker', () => {
    const answer = `"Meals and per diem" ${TRAVEL}\n"Employees receive a per diem of EUR 60 per day." [Source:  Security Policy ]`;
    expect(citedSentences(answer)).toEqual([
      { text: '"Meals and per diem"', citations: [TRAVEL] },
      { text: '"Employees receive a per diem of EUR 60 per day."', citations: ['[Source: Security Policy]'] },
    ]);
  });

  it('gives a marker to the sentence right before it; other sentences stay uncited', () => {
    const answer = `The cap is EUR 240. It applies in London ${TRAVEL}${TRAVEL}. Ask your manager.`;
    expect(citedSentences(answer)).toEqual([
      { text: 'The cap is EUR 240.', citations: [] },
      { text: 'It applies in London', citations: [TRAVEL, TRAVEL] },
      { text: 'Ask your manager.', citations: [] },
    ]);
  });

  it('splits multi-reference brackets and keeps pages', () => {
    expect(citedSentences('Both apply [Source: A, page 2; Source: B].')[0].citations).toEqual(['[Source: A, page 2]', '[Source: B]']);
  });
});

describe('correctness', () => {
  it('measures reference containment, not F1, for long extractive answers', () => {
    const answer = `"Employees travelling overnight receive a flat per diem of EUR 60 per day for meals." ${TRAVEL}`;
    expect(answerText(answer)).not.toContain('Source');
    expect(referenceRecall(answerText(answer), 'EUR 60 per day')).toBe(1);
    expect(referenceRecall('EUR 45 per night', 'EUR 60 per day')).toBe(0.5);
    expect(isCorrectAnswer(item(), { answer, refused: false, citedDocuments: ['travel.md'] })).toBe(true);
    expect(isCorrectAnswer(item(), { answer: 'It is EUR 45.', refused: false, citedDocuments: ['travel.md'] })).toBe(false);
    expect(isCorrectAnswer(item(), { answer, refused: true, citedDocuments: [] })).toBe(false);
  });

  it('without a reference, an answer is correct when it cites a relevant document', () => {
    const noReference = item({ reference_answer: undefined });
    expect(isCorrectAnswer(noReference, { answer: 'x', refused: false, citedDocuments: ['travel.md'] })).toBe(true);
    expect(isCorrectAnswer(noReference, { answer: 'x', refused: false, citedDocuments: ['other.md'] })).toBe(false);
  });
});

describe('answerMetrics', () => {
  it('scores a correct, well-cited answer', () => {
    const answer = `"Employees travelling overnight receive a flat per diem of EUR 60 per day for meals." ${TRAVEL}`;
    const { metrics, correct } = answerMetrics(item(), { answer, refused: false, citedDocuments: ['travel.md'], passages }, 0.6);
    expect(correct).toBe(true);
    expect(metrics).toMatchObject({ answer_accuracy: 1, false_refusal_rate: 0, reference_recall: 1, exact_match: 0, citation_precision: 1, citation_recall: 1, groundedness: 1 });
    expect(metrics.token_f1).toBeGreaterThan(0.3);
    expect(metrics.token_f1).toBeLessThan(1);
    expect(metrics.refusal_accuracy).toBeUndefined();
  });

  it('a citation to the wrong passage fails precision and recall but not groundedness', () => {
    const answer = `Employees travelling overnight receive a flat per diem of EUR 60 per day. [Source: Security Policy]`;
    const { metrics } = answerMetrics(item(), { answer, refused: false, citedDocuments: ['security.md'], passages }, 0.6);
    expect(metrics.citation_precision).toBe(0);
    expect(metrics.citation_recall).toBe(0);
    expect(metrics.groundedness).toBe(1);
  });

  it('an unsupported claim lowers groundedness; a hallucinated label counts as an unsupporting citation', () => {
    const answer = `Employees receive a per diem of EUR 60 per day ${TRAVEL}. Spouses may travel in business class for free [Source: Spouse Handbook].`;
    const { metrics } = answerMetrics(item(), { answer, refused: false, citedDocuments: ['travel.md'], passages }, 0.6);
    expect(metrics.groundedness).toBe(0.5);
    expect(metrics.citation_precision).toBe(0.5);
    expect(metrics.citation_recall).toBe(0.5);
  });

  it('refusals: right on unanswerable questions, false refusals on answerable ones', () => {
    const refusal = { answer: "I don't have enough information.", refused: true, citedDocuments: [], passages: new Map<string, string>() };
    const unanswerable = answerMetrics(item({ answerable: false, reference_answer: undefined, relevant_doc_ids: [] }), refusal, 0.6).metrics;
    expect(unanswerable).toEqual({ answer_accuracy: 1, refusal_accuracy: 1 });
    const answerable = answerMetrics(item(), refusal, 0.6).metrics;
    expect(answerable).toMatchObject({ answer_accuracy: 0, false_refusal_rate: 1, token_f1: 0, exact_match: 0 });
    expect(answerable.citation_recall).toBeUndefined();
    const answeredUnanswerable = answerMetrics(item({ answerable: false, reference_answer: undefined, relevant_doc_ids: [] }), { ...refusal, answer: 'Yes.', refused: false }, 0.6).metrics;
    expect(answeredUnanswerable).toMatchObject({ answer_accuracy: 0, refusal_accuracy: 0 });
  });
});

describe('containment, references and document-level citation precision', () => {
  it('containment is a whole normalized reference inside the answer, never a part of a word', () => {
    expect(answerContainment('"The Per-Diem is EUR 60 per day." [x]', 'the per diem is EUR 60 per day')).toBe(0);
    expect(answerContainment('Employees receive a flat per diem of EUR 60 per day.', 'EUR 60 per day')).toBe(1);
    expect(answerContainment('In the late 1990s, she rose.', 'late 1990s')).toBe(1);
    expect(answerContainment('It costs EUR 600 per day.', 'EUR 60 per day')).toBe(0);
    expect(answerContainment('anything', '')).toBe(0);
    expect(answerContainment('It was 2003.', ['1999', '2003'])).toBe(1);
  });

  it('reads every annotator answer from metadata.answers, reference first, and scores the best one', () => {
    const squad = item({ reference_answer: 'late 1990s', metadata: { answers: ['in the late 1990s', 'late 1990s', 42] } });
    expect(referenceAnswers(squad)).toEqual(['late 1990s', 'in the late 1990s']);
    expect(referenceAnswers(item({ reference_answer: undefined }))).toEqual([]);
    const answer = `"She rose to fame in the late 1990s as lead singer." ${TRAVEL}`;
    const { metrics } = answerMetrics(squad, { answer, refused: false, citedDocuments: ['travel.md'], passages }, 0.6);
    expect(metrics.answer_containment).toBe(1);
    const f1Alone = answerMetrics(item({ reference_answer: 'in the late 1990s' }), { answer, refused: false, citedDocuments: [], passages }, 0.6).metrics.token_f1;
    expect(metrics.token_f1).toBeGreaterThanOrEqual(f1Alone);
  });

  it('a refused answerable question scores containment 0; an unanswerable one has no containment', () => {
    const refusal = { answer: "I don't have enough information.", refused: true, citedDocuments: [], passages: new Map<string, string>() };
    expect(answerMetrics(item(), refusal, 0.6).metrics.answer_containment).toBe(0);
    expect(answerMetrics(item({ answerable: false, reference_answer: undefined, relevant_doc_ids: [] }), refusal, 0.6).metrics.answer_containment).toBeUndefined();
  });

  it('document-level citation precision: cited documents among relevant_doc_ids', () => {
    expect(documentCitationPrecision(['travel.md', 'security.md', 'travel.md'], ['travel.md'])).toBe(0.5);
    expect(documentCitationPrecision([], ['travel.md'])).toBeUndefined();
    expect(documentCitationPrecision(['travel.md'], [])).toBeUndefined();
    const answer = `"Employees receive a per diem of EUR 60 per day." ${TRAVEL}`;
    const { metrics } = answerMetrics(item(), { answer, refused: false, citedDocuments: ['security.md'], passages }, 0.6);
    expect(metrics.citation_doc_precision).toBe(0);
    expect(metrics.citation_precision).toBe(1); // the support-level figure, beside it
  });
});
