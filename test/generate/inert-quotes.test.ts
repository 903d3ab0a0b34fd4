import { describe, expect, it } from 'vitest';
import { answerExtractively } from '../../src/generate/answer-extractively.js';
import { contextDocument } from '../../src/generate/pack-context.js';
import { resolveCitations } from '../../src/generate/resolve-citations.js';
import { hasLiveMarkup, neutralizeMarkup } from '../../src/neutralize-markup.js';
import { checkAnswer } from '../../src/router/answer-check.js';
import { chunk } from './chunk-fixtures.js';

// The last defence of issue #17: whatever a loader (or a plug-in loader, or a document handed in
// ready-made) let through, quotes and titles leave the answer stage inert.
const RAW = chunk(1, 'The deploy hook runs <script>alert(1)</script> after every nightly build of the service. Unrelated words follow here.', {
  title: 'Deploy <img src=x onerror=alert(1)> notes',
});

describe('neutralizeMarkup', () => {
  it('turns the brackets of tags, comments and doctypes into ‹ ›, idempotently', () => {
    expect(neutralizeMarkup('<script>alert(1)</script>')).toBe('‹script›alert(1)‹/script›');
    expect(neutralizeMarkup('<img src=x onerror=alert(1)>')).toBe('‹img src=x onerror=alert(1)›');
    expect(neutralizeMarkup('<!-- c --> <!doctype html> <?xml?> <svg/onload=alert(1)>')).toBe('‹!-- c --› ‹!doctype html› ‹?xml?› ‹svg/onload=alert(1)›');
    expect(neutralizeMarkup('<img src=x onerror=alert(1)')).toBe('‹img src=x onerror=alert(1)');
    expect(neutralizeMarkup(neutralizeMarkup('<b>x</b>'))).toBe('‹b›x‹/b›');
  });

  it('leaves comparisons, hearts and web autolinks alone', () => {
    for (const text of ['a < b and c > d', 'I <3 docs', 'see <https://example.com/a?b=1>', 'mail <me@example.com>', 'no markup']) {
      expect(neutralizeMarkup(text)).toBe(text);
      expect(hasLiveMarkup(text)).toBe(false);
    }
    expect(neutralizeMarkup('<javascript:alert(1)>')).toBe('‹javascript:alert(1)›');
  });
});

describe('answers quote documents as data', () => {
  it('the extractive answerer neutralizes quotes, answer text, markers and titles', () => {
    const answer = answerExtractively('When does the deploy hook run after the nightly build?', [RAW]);
    expect(answer.refused).toBe(false);
    expect(answer.text).toContain('‹script›alert(1)‹/script›');
    expect(answer.text).toContain('[Source: Deploy ‹img src=x onerror=alert(1)› notes]');
    expect(hasLiveMarkup(answer.text)).toBe(false);
    for (const citation of answer.citations) {
      for (const field of [citation.quote, citation.answerSpan, citation.title, citation.marker, citation.source]) expect(hasLiveMarkup(field)).toBe(false);
    }
  });

  it('resolved citations of a model answer carry inert quotes and titles', () => {
    const context = [contextDocument(RAW, RAW.text, 1, 'fence', false)];
    const resolved = resolveCitations('The hook runs after every nightly build [Source: Deploy <img src=x onerror=alert(1)> notes].', context);
    expect(resolved.citations).toHaveLength(1);
    const [citation] = resolved.citations;
    expect(citation.quote).toBe('The deploy hook runs ‹script›alert(1)‹/script› after every nightly build of the service.');
    expect(citation.title).toBe('Deploy ‹img src=x onerror=alert(1)› notes');
  });
});

describe('the cascade answer check', () => {
  it('accepts a neutralized quote of a chunk whose text holds raw markup', () => {
    const answer = answerExtractively('When does the deploy hook run after the nightly build?', [RAW]);
    const result = checkAnswer(
      {
        answer: answer.text,
        citations: answer.citations.map((c) => ({ sourceId: String(c.chunkId), quote: c.quote })),
        context: [{ id: String(RAW.chunkId), text: RAW.text }],
        retrievalConfidence: 0.8,
      },
      { minGroundedness: 0, minCoverage: 0, sentenceSupport: 0, highRetrievalConfidence: 1 },
    );
    expect(result.invalidCitations).toEqual([]);
  });
});
