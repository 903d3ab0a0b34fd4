import { describe, expect, it } from 'vitest';
import { createComparisonGuard } from '../../src/cache/guards/comparison-guard.js';
import { answerExtractively } from '../../src/generate/answer-extractively.js';
import { contentTerms } from '../../src/generate/content-terms.js';
import { evidenceMismatches } from '../../src/generate/evidence-mismatches.js';
import { chunk } from './chunk-fixtures.js';

const quotes = (text: string) => text.split('\n').map((line) => line.replace(/ \[Source:[^\]]*\]$/, ''));

describe('a sentence is read in its passage', () => {
  // The question's topic ("Destiny's Child") is named by the sentence before the answer, as in
  // encyclopedic prose; the answer sentence says "the group".
  const history = chunk(
    1,
    "Destiny's Child was formed in Houston in 1990 by four teenage girls. The group released its debut single in 1997 on the soundtrack to the film Men in Black. Critics praised the harmonies.",
    { title: 'Music history' },
  );

  it('counts question terms said by a neighbouring sentence as covered, and quotes the sentence holding the answer', () => {
    const result = answerExtractively("Which film featured Destiny's Child's debut single?", [history]);
    expect(result.refused).toBe(false);
    expect(quotes(result.text)[0]).toBe('"The group released its debut single in 1997 on the soundtrack to the film Men in Black."');
  });

  it('finds the question\'s names in the passage, not only in the sentence: no entity swap', () => {
    expect(evidenceMismatches("Which film featured Destiny's Child's debut single?", 'The group released its debut single in 1997 on the soundtrack to the film Men in Black.', history.text)).toEqual([]);
  });

  it('still refuses a name the whole passage lacks while naming others (a swap)', () => {
    const reasons = evidenceMismatches('Which film featured the Spice Girls debut single?', 'The group released its debut single in 1997 on the soundtrack to the film Men in Black.', history.text);
    expect(reasons.map((reason) => reason.guard)).toContain('entity');
  });
});

describe('the sentence that says the answer comes first', () => {
  it('quotes the per diem sentence before its neighbour, which covers the question only with it', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile('samples/corpus/travel-and-expense-policy.md', 'utf8');
    const section = text.slice(text.indexOf('## 3. Meals and per diem'), text.indexOf('## 4. Ground transport'));
    const meals = chunk(1, section, { title: 'Travel and Expense Policy', headingPath: ['Travel and Expense Policy', '3. Meals and per diem'] });
    const result = answerExtractively('How much is the per diem for meals when travelling overnight?', [meals]);
    expect(quotes(result.text)[0]).toContain('EUR 60 per day');
  });
});

describe('identifiers are words', () => {
  it('splits camelCase identifiers into their words', () => {
    expect(contentTerms('Use safeParse to get a RateLimitError')).toEqual(expect.arrayContaining(['safe', 'pars', 'rate', 'limit', 'error']));
  });

  it('answers a prose question from a sentence that names the method', () => {
    const readme = chunk(1, 'Call `.safeParse()` to validate data without throwing. It returns an object with a success flag.', { title: 'Zod', headingPath: ['Zod', 'Basic usage'] });
    const result = answerExtractively('How can I parse safely in Zod?', [readme]);
    expect(result.refused).toBe(false);
    expect(quotes(result.text)[0]).toContain('safeParse');
  });
});

describe('guards read questions as questions', () => {
  it('a negation inside a condition is not the question\'s polarity', () => {
    expect(evidenceMismatches('How long will the client wait if I do not set a timeout?', 'Requests time out after 10 minutes by default.')).toEqual([]);
    expect(evidenceMismatches('Which plans do not include single sign-on?', 'Premium includes single sign-on.').map((reason) => reason.guard)).toContain('negation');
  });

  it('a time word before a verb narrates; before an event it bounds', () => {
    expect(evidenceMismatches('How long does the client wait before giving up?', 'Requests time out after 10 minutes by default.')).toEqual([]);
    expect(evidenceMismatches('What happened before the merger?', 'After the merger, the offices moved.').map((reason) => reason.guard)).toContain('comparison');
  });

  it('evidence may compare in more directions than the question, but must include the question\'s', () => {
    const oneWay = createComparisonGuard({ rejectOneSidedNumericBound: false, checkArgumentOrder: false, allowMoreDirections: true });
    expect(oneWay.check('Within how many days is the review written?', 'After an incident, the review is written within 5 days.')).toEqual([]);
    expect(oneWay.check('What changed before the release?', 'After the release, prices rose.')).not.toEqual([]);
    const symmetric = createComparisonGuard({ rejectOneSidedNumericBound: false, checkArgumentOrder: false });
    expect(symmetric.check('Within how many days is the review written?', 'After an incident, the review is written within 5 days.')).not.toEqual([]);
  });
});

describe('the decision and the answerer score the evidence once', () => {
  it('reuses the last scoring only for the same question over the same chunks', async () => {
    const { scoreEvidence } = await import('../../src/generate/answer-extractively.js');
    const a = chunk(1, 'Members may borrow up to eight books. Loans last three weeks.', { title: 'Lending rules' });
    const first = scoreEvidence('How many books may a member borrow?', [a]);
    // Equal content in new objects (the packed prompt's copies): the same result.
    expect(scoreEvidence('How many books may a member borrow?', [{ ...a }])).toBe(first);
    // Another chunk id with the same text, another question, another text: scored anew.
    const other = scoreEvidence('How many books may a member borrow?', [{ ...a, chunkId: 2 }]);
    expect(other).not.toBe(first);
    expect(other.units[0].candidate.chunk.chunkId).toBe(2);
    expect(scoreEvidence('How long do loans last?', [a])).not.toBe(other);
    expect(scoreEvidence('How many books may a member borrow?', [{ ...a, text: `${a.text} Renewals are free.` }]).units).toHaveLength(3);
  });
});
