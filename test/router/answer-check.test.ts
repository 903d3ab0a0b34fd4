import { describe, expect, it } from 'vitest';
import { checkAnswer, isRefusal, type AnswerCheckInput } from '../../src/router/answer-check.js';
import { routerOptionsSchema } from '../../src/router/router-options.js';

const thresholds = routerOptionsSchema.parse({}).cascade;
const context = [
  { id: 'c1', text: 'Employees receive 25 vacation days per year. Unused days carry over until March.' },
  { id: 'c2', text: 'The R2 arm has a maximum payload of 12 kilograms at full reach.' },
];
const good: AnswerCheckInput = {
  answer: 'Employees receive 25 vacation days per year [c1]. Unused days carry over until March [c1].',
  citations: [{ sourceId: 'c1', quote: 'Employees receive 25 vacation days per year.' }],
  context,
  retrievalConfidence: 0.8,
};

describe('checkAnswer', () => {
  it('passes a grounded, fully cited answer', () => {
    const result = checkAnswer(good, thresholds);
    expect(result).toMatchObject({ pass: true, reasons: [], refused: false });
    expect(result.groundedness).toBe(1);
    expect(result.coverage).toBe(1);
  });

  it('fails a citation to a missing context or a quote the context lacks', () => {
    expect(checkAnswer({ ...good, citations: [{ sourceId: 'c9' }] }, thresholds).reasons.join()).toMatch(/invalid citations: c9/);
    const misquoted = checkAnswer({ ...good, citations: [{ sourceId: 'c1', quote: 'Employees receive 40 vacation days' }] }, thresholds);
    expect(misquoted.pass).toBe(false);
    expect(misquoted.invalidCitations).toEqual(['c1']);
  });

  it('fails an answer that cites nothing, or cites a context that does not cover it', () => {
    expect(checkAnswer({ ...good, citations: [] }, thresholds).reasons).toContain('answer cites nothing');
    const wrongSource = checkAnswer({ ...good, citations: [{ sourceId: 'c2' }] }, thresholds);
    expect(wrongSource.pass).toBe(false);
    expect(wrongSource.coverage).toBe(0);
  });

  it('fails an ungrounded answer', () => {
    const result = checkAnswer({ ...good, answer: 'Staff get unlimited holidays and a yearly bonus in December [c1].' }, thresholds);
    expect(result.pass).toBe(false);
    expect(result.groundedness).toBeLessThan(thresholds.minGroundedness);
  });

  it('fails a refusal only when retrieval confidence is high', () => {
    const refusal = { ...good, answer: "I don't know based on the provided documents.", citations: [] };
    expect(isRefusal(refusal.answer)).toBe(true);
    expect(checkAnswer({ ...refusal, retrievalConfidence: 0.9 }, thresholds)).toMatchObject({ pass: false, refused: true });
    expect(checkAnswer({ ...refusal, retrievalConfidence: 0.2 }, thresholds)).toMatchObject({ pass: true, refused: true });
  });
});
