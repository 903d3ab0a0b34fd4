import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/generate/split-sentences.js';

describe('splitSentences', () => {
  it.each([
    ['sentence ends and line breaks, not abbreviations or initials', ['Dr. Smith signed the policy on Jan. 5.', 'J. R. Doe approved it, e.g. for all staff.\n', 'Section two has no period\n', 'The end!']],
    ['not works, references or ranks ("Op. 64, No. 1", "cf. Table 2")', ['The earliest recording was an 1895 performance of the Nocturne in E major Op. 62 No. 2 by Paul Pabst.', 'It was praised (cf. Table 2) by Lt. Col. Ames.', 'The waltz (Op. 64, No. 1) followed.']],
  ])('splits on %s', (_what, sentences) => {
    const text = sentences.map((sentence) => (sentence.endsWith('\n') ? sentence : `${sentence} `)).join('').trimEnd();
    expect(splitSentences(text).map((span) => span.text.trim())).toEqual(sentences.map((sentence) => sentence.trim()));
  });

  it('keeps a paragraph or list item wrapped over several lines one sentence, and splits where a block starts', () => {
    // Each entry is one expected sentence, as the lines it is written on.
    const sentences = [
      ['* `satisfies(version, range)`: Return true if the version satisfies the', '  range.'],
      ['* `maxSatisfying(versions, range)`: Return the highest version in the list', '  that satisfies the range, or `null` if none of them do.'],
      ['A plain paragraph that a text editor wrapped at seventy-two characters,', 'Windows line ends included, goes on here.\r'],
      ['Short label'],
      ['Then a capitalized sentence.'],
      ['```'], ['const a = 1'], ['const b = 2'], ['```'],
      ['    indented = code'], ['    more = code'],
      ['| Plan | Limit |'], ['| Premium | 3,000 |'],
      ['# Heading'], ['Body text.'],
      ["'git subtree' [<options>] -P <prefix> add <local-commit>"],
      ["'git subtree' [<options>] -P <prefix> merge <local-commit> [<repository>]"],
      ['The options are set in the configuration file as follows:'], ['retries = 3'],
    ];
    const text = sentences.flat().join('\n');
    const spans = splitSentences(text);
    expect(spans.map((span) => span.text.replace(/\s+/g, ' ').trim())).toEqual(sentences.map((lines) => lines.join(' ').replace(/\s+/g, ' ').trim()));
    // The text itself comes back, line breaks and all.
    expect(spans.map((span) => span.text).join('')).toBe(text);
  });

  it('reads no fence as open past a reset: a chunk after the closing fence of one it never saw opened', () => {
    const tail = 'function done() {}\n```\n\n';
    const text = `${tail}* \`wrk\` uses 2 threads (by default) and an auxiliary one to collect the\n  metrics with a total load of 80%.\n`;
    const wrapped = '* `wrk` uses 2 threads (by default) and an auxiliary one to collect the metrics with a total load of 80%.';
    const read = (options?: { fenceResets: number[] }) => splitSentences(text, options).map((span) => span.text.replace(/\s+/g, ' ').trim());
    expect(read()).not.toContain(wrapped);
    expect(read({ fenceResets: [tail.length] })).toContain(wrapped);
    expect(read({ fenceResets: [tail.length - 3] })).toContain(wrapped);
  });

  it('gives spans that tile the text exactly', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const spans = splitSentences(text);
        expect(spans.map((span) => span.text).join('')).toBe(text);
        for (const span of spans) expect(text.slice(span.start, span.end)).toBe(span.text);
      }),
      { numRuns: 200 },
    );
  });
});
