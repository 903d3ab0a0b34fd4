import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { answerExtractively } from '../../src/generate/answer-extractively.js';
import { evidenceMismatches } from '../../src/generate/evidence-mismatches.js';
import { evidenceUnits } from '../../src/generate/evidence-units.js';
import { expectedAnswerType, hasAnswerType, withoutQuestionNumbers } from '../../src/generate/expected-answer-type.js';
import { markdownTables } from '../../src/generate/table-row-units.js';
import { ELLIPSIS, shortenAroundClause, wholeSentences } from '../../src/generate/whole-sentence.js';
import { chunk } from './chunk-fixtures.js';

const quotes = (text: string) => text.split('\n').map((line) => line.replace(/ \[Source:[^\]]*\]$/, ''));

describe('table rows are answer units', () => {
  it('renders each data row with its header', () => {
    const [table] = markdownTables('Intro.\n\n| Plan | Sustained limit | Burst |\n|---|---:|---|\n| **Premium** | 3,000 req/min | |\n| Standard | 600 req/min | 100 |\n\nAfter.');
    expect(table.rows.map((row) => row.text)).toEqual(['Plan: Premium; Sustained limit: 3,000 req/min', 'Plan: Standard; Sustained limit: 600 req/min; Burst: 100']);
  });

  it('answers the README flagship question from the Premium row of samples/corpus', async () => {
    const text = await readFile('samples/corpus/api-rate-limits.md', 'utf8');
    const section = text.slice(text.indexOf('## Rate limits'), text.indexOf('## Handling 429'));
    const table = chunk(1, section, { title: 'Fleet Cloud API: Authentication and Rate Limits', headingPath: ['Fleet Cloud API: Authentication and Rate Limits', 'Rate limits'] });
    const notes = chunk(2, '## 4.2\n\nAPI rate limits doubled for the Premium plan. Dashboards load faster.', { title: 'Release notes' });
    const result = answerExtractively('What is the sustained rate limit for the Premium API plan?', [table, notes]);
    expect(result.refused).toBe(false);
    expect(quotes(result.text)[0]).toBe('"Plan: Premium; Sustained requests per minute: 3,000; Burst: 500; Telemetry export requests per hour: 60"');
    expect(result.citations[0]).toMatchObject({ chunkId: 1, quote: 'Plan: Premium; Sustained requests per minute: 3,000; Burst: 500; Telemetry export requests per hour: 60' });
  });
});

describe('title and headings are context', () => {
  const page = chunk(1, 'Members may borrow up to eight books. Loans last three weeks.', { title: 'Ashgrove Library lending rules', headingPath: ['Lending'] });

  it('counts question terms found in the title as covered', () => {
    const result = answerExtractively('How many books may an Ashgrove Library member borrow?', [page]);
    expect(result.refused).toBe(false);
    expect(quotes(result.text)[0]).toBe('"Members may borrow up to eight books."');
  });

  it('fails without the title: the same body under another title does not cover the question', () => {
    const result = answerExtractively('How many books may an Ashgrove Library member borrow?', [{ ...page, title: 'Lending rules', headingPath: [] }]);
    expect(result.refused).toBe(true);
  });

  it('a title alone does not make a sentence an answer', () => {
    const result = answerExtractively('Ashgrove Library lending rules?', [chunk(1, 'Opening hours are posted at the door.', { title: 'Ashgrove Library lending rules' })]);
    expect(result.refused).toBe(true);
  });
});

describe('whole sentences across chunk boundaries', () => {
  const document = 'The Ashgrove branch opened in 1921. Members may borrow up to eight books at a time from any branch of the network. Loans last three weeks.';
  const cut = document.indexOf('at a time');
  const first = chunk(1, document.slice(0, cut), { title: 'Lending rules', ordinal: 0 });
  const second = chunk(2, document.slice(cut), { title: 'Lending rules', ordinal: 1 });

  it('completes a sentence the chunk boundary cuts from the neighbouring chunk text', () => {
    const result = answerExtractively('How many books may members borrow at a time?', [{ ...first, edges: { before: '', after: second.text } }]);
    expect(quotes(result.text)[0]).toBe('"Members may borrow up to eight books at a time from any branch of the network."');
    const fromSecond = answerExtractively('From which branch may members borrow books at a time?', [{ ...second, edges: { before: first.text, after: '' } }]);
    expect(quotes(fromSecond.text)[0]).toBe('"Members may borrow up to eight books at a time from any branch of the network."');
  });

  it('quotes a list item or paragraph wrapped over several lines whole, not its first line', () => {
    const readme = chunk(3, [
      '### Ranges',
      '',
      '* `satisfies(version, range)`: Return true if the version satisfies the',
      '  range.',
      '* `maxSatisfying(versions, range)`: Return the highest version in the list',
      '  that satisfies the range, or `null` if none of them do.',
    ].join('\n'), { title: 'semver', headingPath: ['semver', 'Ranges'] });
    const result = answerExtractively('What does maxSatisfying return when no version satisfies the range?', [readme]);
    expect(quotes(result.text)[0]).toBe('"* `maxSatisfying(versions, range)`: Return the highest version in the list that satisfies the range, or `null` if none of them do."');
    // The chunk before ends with the closing fence of a code block it started: the item is still read whole.
    const afterCode = { ...readme, edges: { before: 'run(options)\n```\n\n', after: '' } };
    expect(evidenceUnits(afterCode).map((unit) => unit.text)).toContain('* `satisfies(version, range)`: Return true if the version satisfies the range.');
  });

  it('quotes no badge line or link definition, and keeps them from joining the prose around them', () => {
    const text = [
      'Preact is a fast 3kB alternative to React with the same modern API.',
      '',
      '[![Preact Slack Community](https://img.shields.io/badge/Slack%20Community-preact-blue)](https://chat.preactjs.com)',
      '[![OpenCollective Backers](https://opencollective.com/preact/backers/badge.svg)](#backers)',
      '',
      'See the [render docs](https://preactjs.com/guide) for how to start.',
      '[preact/compat]: https://github.com/preactjs/preact/tree/main/compat',
      '[hyperscript]: https://github.com/dominictarr/hyperscript',
    ].join('\n');
    expect(evidenceUnits(chunk(4, text, { title: 'Preact' })).map((unit) => unit.text)).toEqual([
      'Preact is a fast 3kB alternative to React with the same modern API.',
      'See the [render docs](https://preactjs.com/guide) for how to start.',
    ]);
  });

  it('marks a cut it cannot complete with an ellipsis, never silently', () => {
    const units = evidenceUnits(first);
    expect(units.at(-1)?.text).toBe(`Members may borrow up to eight books ${ELLIPSIS}`);
    expect(evidenceUnits(second)[0].text).toBe(`${ELLIPSIS} at a time from any branch of the network.`);
    expect(wholeSentences('Loans last three weeks.')[0].text).toBe('Loans last three weeks.');
  });

  it('shortens an overlong sentence only around the answer-bearing clause, with ellipses', () => {
    const filler = Array.from({ length: 30 }, (_, i) => `item ${i}`).join(', ');
    const sentence = `The catalogue lists ${filler}, and members may borrow up to eight books, ${filler}.`;
    const short = shortenAroundClause(sentence, (clause) => (clause.includes('borrow') ? 1 : 0), 20);
    expect(short).toContain('members may borrow up to eight books');
    expect(short.startsWith(ELLIPSIS)).toBe(true);
    expect(short.endsWith(ELLIPSIS)).toBe(true);
    expect(short.split(' ').length).toBeLessThanOrEqual(24);
    expect(shortenAroundClause('Short and sweet.', () => 1, 20)).toBe('Short and sweet.');
  });
});

describe('answer types', () => {
  it('reads the expected type from the question', () => {
    expect(expectedAnswerType('How many books may a member borrow?')).toBe('quantity');
    expect(expectedAnswerType('How much is the per diem?')).toBe('quantity');
    expect(expectedAnswerType('When did the branch open?')).toBe('date');
    expect(expectedAnswerType('In what year did the branch open?')).toBe('date');
    expect(expectedAnswerType('Who approves travel requests?')).toBe('person-or-organisation');
    expect(expectedAnswerType('Where are the backups stored?')).toBe('place');
    expect(expectedAnswerType('How long do loans last?')).toBe('duration');
    expect(expectedAnswerType('What is the refund policy?')).toBeUndefined();
  });

  it('a sentence without the expected type is not the answer', () => {
    expect(hasAnswerType('Members may borrow up to eight books.', 'quantity')).toBe(true);
    expect(hasAnswerType('Members may borrow books.', 'quantity')).toBe(false);
    expect(hasAnswerType('The branch opened in 1921.', 'date')).toBe(true);
    const page = chunk(1, 'Members may borrow books from every branch. Each member may borrow up to eight books.', { title: 'Lending rules' });
    const result = answerExtractively('How many books may a member borrow?', [page]);
    expect(quotes(result.text)).toEqual(['"Each member may borrow up to eight books."']);
    const untyped = answerExtractively('How many books may a member borrow?', [chunk(1, 'Members may borrow books from every branch.', { title: 'Lending rules' })]);
    expect(untyped.refused).toBe(true);
  });

  it('the question\'s own numbers are not the answer of a quantity, duration or date question', () => {
    expect(withoutQuestionNumbers('An extended warranty to 48 months can be bought; 480 units, 4.8 kg.', 'How much does the warranty to 48 months cost?')).toBe('An extended warranty to  months can be bought; 480 units, 4.8 kg.');
    expect(withoutQuestionNumbers('NavOS 5.2.0 shipped on 20 January 2025.', 'When was NavOS 5.2.0 released?')).toBe('NavOS  shipped on 20 January 2025.');
    const page = chunk(1, 'An extended warranty to 48 months can be purchased at order time. Batteries are covered for longer.', { title: 'Warranty' });
    expect(answerExtractively('How much does the extended warranty to 48 months cost?', [page]).refused).toBe(true);
    const priced = chunk(1, 'An extended warranty to 48 months costs EUR 1,900 per robot.', { title: 'Warranty' });
    expect(answerExtractively('How much does the extended warranty to 48 months cost?', [priced]).refused).toBe(false);
  });
});

describe('the answer cache guards apply between question and evidence', () => {
  it('a question about the 12th is not answered by a sentence about the 15th', () => {
    expect(evidenceMismatches('Who won the 12th edition of the race?', 'The 15th edition of the race was won by Ada Lovelace.').map((r) => r.guard)).toContain('number');
    expect(evidenceMismatches('Who won the 12th edition of the race?', 'The 12th edition of the race was won by Ada Lovelace.')).toEqual([]);
  });

  it('reads names as questions write them, and counts that size the answer as no figure to find', () => {
    const guards = (question: string, evidence: string) => evidenceMismatches(question, evidence).map((r) => r.guard);
    // Case and punctuation, words run together, a letter off inside a long name: the same name.
    expect(guards('How many albums has she sold in the U.S?', 'She has sold 15 million albums in the US, according to Nielsen.')).toEqual([]);
    expect(guards('Whom did Beyonce and Jay Z meet?', 'Beyonce and Jay-Z met with the Gray family in Baltimore.')).toEqual([]);
    expect(guards('Who performed at the Superbowl halftime show?', 'Coldplay headlined the Super Bowl halftime show with Beyonce.')).toEqual([]);
    expect(guards('At what age did she meet LaTavia Robertson?', 'At age eight, she and Kelly Rowland met LaTavia Roberson in Houston.')).toEqual([]);
    // Another word form or another name is not a typo.
    expect(guards('When was the Australian Princess released?', 'Twilight Princess was released in Australia in December 2006.')).toContain('entity');
    expect(guards('Who was cast as Hinx with Christoph?', 'Dave Bautista was cast as Mr. Hinx in London.')).toContain('entity');
    // Digits in a quoted title are the passage's words.
    expect(guards('Who placed her 17th on the Top 20 Hot 100 Songwriters list?', 'Billboard listed her at number 17th on its "Top 20 Hot 100 Songwriters" list.')).toEqual([]);
    // "first" and small counts in words describe the answer ...
    expect(guards('Which airlines first agreed to install iPod seat connections?', 'In 2007, United and Delta reached agreements to install iPod seat connections.')).toEqual([]);
    expect(guards('What two instruments did his father play?', 'The father played the flute and the violin.')).toEqual([]);
    // ... unless the evidence counts the same thing otherwise, or names another ordinal.
    expect(guards('What mechanic lets two buttons serve many functions?', 'The context-sensitive mechanic lets one button serve many functions.')).toContain('number');
    expect(guards('Who was the first African American woman on the cover?', 'She became the second African American woman on the cover, after Tyra Banks.')).toContain('number');
    expect(guards('In its first eight days, how much did the film gross?', "In the film's first seven days it grossed 41.7 million pounds.")).toContain('number');
    // A name of several words is one name, wherever its words appear apart.
    const passage = 'Twilight Princess is an action-adventure game. Link uses the Clawshot to cross gaps.';
    expect(guards('What genre of game is Clawshot Princess?', passage)).toContain('entity');
    expect(guards('What genre of game is Twilight Princess?', passage)).toEqual([]);
    expect(guards('Where was Beyonce Knowles born?', 'Beyoncé Giselle Knowles was born in Houston, Texas.')).toEqual([]);
    expect(guards('How many records were sold in the United States?', 'She sold 15 million records in the US.')).toEqual([]);
    expect(guards("What was Beyonce's European tour called?", 'In 2003 Beyonce embarked on the Dangerously in Love Tour in Europe; European critics praised it.')).toEqual([]);
    const page = chunk(1, 'The 15th edition of the race was won by Ada Lovelace in 1999.', { title: 'Race history' });
    expect(answerExtractively('Who won the 12th edition of the race?', [page]).refused).toBe(true);
    expect(answerExtractively('Who won the 15th edition of the race?', [page]).refused).toBe(false);
  });

  it('a question about one year is not answered by a sentence about another', () => {
    const page = chunk(1, 'In 2010 the city had 8.2 million residents. The museum was founded by the council.', { title: 'City facts' });
    expect(answerExtractively('How many residents did the city have in 2010?', [page]).refused).toBe(false);
    expect(answerExtractively('How many residents did the city have in 1990?', [page]).refused).toBe(true);
  });

  it('a negated question needs negated evidence; opposite comparisons do not answer', () => {
    expect(evidenceMismatches('Which plans do not include single sign-on?', 'The Premium plan includes single sign-on.').map((r) => r.guard)).toContain('negation');
    expect(evidenceMismatches('Which plans do not include single sign-on?', 'The Standard plan does not include single sign-on.')).toEqual([]);
    expect(evidenceMismatches('What happened before the merger?', 'After the merger the office moved to Leeds.').map((r) => r.guard)).toContain('comparison');
  });
});

describe('citations point to the documents that hold the answer', () => {
  it('adds a second document only when its sentence carries its own support', () => {
    const holder = chunk(1, 'Members may borrow up to eight books at a time.', { title: 'Ashgrove Library lending rules', documentId: 1 });
    const neighbour = chunk(2, 'Ashgrove Library members can also borrow films.', { title: 'Ashgrove Library lending rules for films', documentId: 2 });
    const result = answerExtractively('How many books may an Ashgrove Library member borrow?', [holder, neighbour]);
    expect(new Set(result.citations.map((citation) => citation.documentId))).toEqual(new Set([1]));
  });

  it('a second document whose sentence is supported only by its title is not cited', () => {
    const holder = chunk(1, 'Members may borrow up to eight books.', { title: 'Ashgrove Library lending rules', documentId: 1 });
    const neighbour = chunk(2, 'Books may be borrowed for 21 days.', { title: 'Ashgrove Library member handbook', documentId: 2 });
    const result = answerExtractively('How many books may an Ashgrove Library member borrow?', [holder, neighbour]);
    expect(result.citations.map((citation) => citation.documentId)).toEqual([1]);
    // On its own, the neighbour's sentence is quoted: only the second-document rule keeps it out above.
    expect(answerExtractively('How many books may an Ashgrove Library member borrow?', [neighbour]).refused).toBe(false);
  });
});

describe('edges are read only as far as the cut sentence needs', () => {
  it('completes across an abbreviation in the neighbouring text', () => {
    const sentences = wholeSentences('borrow up to eight books.', { before: 'Loans last three weeks. Dr. Smith said members may ', after: ' Loans renew twice. Fines apply.' });
    expect(sentences.map((sentence) => sentence.text)).toEqual(['Dr. Smith said members may borrow up to eight books.']);
  });
});

describe('a chunk cut to fit the context budget', () => {
  it('loses its after edge, so the answerer marks the cut instead of completing it with text from elsewhere', async () => {
    const { prepareAnswer } = await import('../../src/generate/prepare-answer.js');
    const { createExtractiveAnswerer } = await import('../../src/generate/extractive-answerer.js');
    const { createTiktokenCounter } = await import('../../src/generate/tiktoken-counter.js');
    const long = chunk(1, Array.from({ length: 40 }, (_, i) => `Sentence number ${i} talks about lending rule ${i}.`).join(' '), { edges: { before: 'Earlier text. ', after: ' and more.' } });
    const base = { question: 'What are the lending rules?', retrieval: { query: 'q', mode: 'sparse' as const, notices: [], confidence: 0.9, chunks: [long], timings: { totalMs: 0, legsMs: {}, rerankMs: 0 } }, chatModel: createExtractiveAnswerer(), refusalThreshold: 0.1, tokenCounter: createTiktokenCounter('o200k_base'), maxOutputTokens: 16 };
    let checked = 0;
    for (let budget = 256; budget <= 2048 && checked === 0; budget += 16) {
      const plan = prepareAnswer({ ...base, maxContextTokens: budget });
      if (plan.kind !== 'extractive' || !plan.prompt.context[0]?.truncated) continue;
      expect(plan.chunks[0].edges).toEqual({ before: 'Earlier text. ' });
      checked += 1;
    }
    expect(checked).toBe(1);
    const whole = prepareAnswer({ ...base, maxContextTokens: 100_000 });
    expect(whole.kind === 'extractive' && whole.chunks[0].edges).toEqual({ before: 'Earlier text. ', after: ' and more.' });
  });
});

describe('further quotes need support of their own', () => {
  it('a second sentence that matches the question only through its heading is not quoted', () => {
    const chunk = {
      chunkId: 1, documentId: 1, documentVersion: 1, externalId: 'policy.md', source: 'policy.md', title: 'Travel and Expense Policy', headingPath: ['Meals and per diem'], page: undefined,
      text: 'Employees travelling overnight receive a flat per diem of EUR 60 per day for meals. On the day of departure the per diem is EUR 45. The limit for business entertainment is EUR 85 per person, including tip.',
      score: 10, scores: { final: 10 }, ordinal: 0, charStart: 0, charEnd: 200, metadata: {},
    };
    const answer = answerExtractively('How much is the per diem for meals when travelling overnight?', [chunk as never]);
    expect(answer.refused).toBe(false);
    expect(answer.text).toMatch(/EUR 60/);
    expect(answer.text).not.toMatch(/entertainment/);
  });
});
