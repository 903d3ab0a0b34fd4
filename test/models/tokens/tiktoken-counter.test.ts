import fc from 'fast-check';
import { get_encoding } from 'tiktoken';
import { afterAll, describe, expect, it } from 'vitest';
import { createTiktokenCounter } from '../../../src/models/tokens/tiktoken-counter.js';
import { createEmbedderTokenCounter } from '../../../src/models/tokens/embedder-token-counter.js';
import { resolveTokenCounter } from '../../../src/models/tokens/resolve-token-counter.js';
import { tokenizeText } from '../../../src/models/tokens/generic-tokenized-text.js';
import { wordEmbedder } from '../../ingest/chunkers/test-embedders.js';

const cl100k = createTiktokenCounter('cl100k_base');
const o200k = createTiktokenCounter('o200k_base');
afterAll(() => {
  cl100k.free();
  o200k.free();
});

/** Text mixing what trips tokenizers: words, runs of spaces and newlines, punctuation, digits, CJK, emoji, lone surrogates. */
const messyText = fc
  .array(
    fc.constantFrom(
      'the', 'The', 'internationalization', 'über', ' ', '  ', '\n', '\n\n', '\r\n', '\t', '.', ', ', "'s", "'ll",
      '12345', '3.14', '|', '---', '```', '日本語', '🙂', '👩‍👩‍👧', '\ud800', 'é', 'e\u0301', '<|endoftext|>', '/', '//', ' \n ',
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

/** Characters the JavaScript split regex handles itself: the edge cases of tiktoken's regexes. */
const fastPathText = fc
  .array(
    fc.constantFrom(
      'word', 'Word', 'camelCase', 'ABCdef', "DON'T", "'S", "'LL", "'Ve", "'d", "'\u017f", '\u017f', ' ', '  ', '\n', '\r\n', '\t', '\v', '\f',
      '\x85', '\xa0', '\u2028', '\u2003', '\u200b', '\u2060', 'é', 'e\u0301', 'Ω', 'Привет', 'שלום', '\u0661\u0662\u0663', '³', '½', '1234567',
      '\u01c5', '\u02b0', '—', '…', '...', '//', '/\n', '!\n\n', '(x)', '$', '\u00ad', '\u0600',
    ),
    { maxLength: 50 },
  )
  .map((parts) => parts.join(''));

describe('tiktoken counter', () => {
  for (const counter of [cl100k, o200k]) {
    it(`${counter.name}: the JavaScript fast path counts and splits exactly like tiktoken (property)`, () => {
      const reference = get_encoding(counter.encoding);
      try {
        fc.assert(
          fc.property(fc.array(fc.oneof(fastPathText, messyText), { maxLength: 4 }).map((parts) => parts.join('')), (text) => {
            const tokens = reference.encode_ordinary(text);
            expect(counter.count(text)).toBe(tokens.length);
            const ends = counter.tokenize(text).tokenEnds;
            let bytes = 0;
            const expected = Array.from(tokens, (token) => (bytes += reference.decode_single_token_bytes(token).length));
            expect(ends.length).toBe(expected.length);
            // Byte ends map to character ends: compare through the UTF-8 length of each prefix.
            ends.forEach((end, i) => expect(Buffer.byteLength(text.slice(0, end))).toBeGreaterThanOrEqual(expected[i]));
          }),
          { numRuns: 500 },
        );
      } finally {
        reference.free();
      }
    });
  }

  it('counts like tiktoken and ships both encodings offline', () => {
    expect(cl100k.count('hello world')).toBe(2);
    expect(o200k.count('hello world')).toBe(2);
    expect(cl100k.count('')).toBe(0);
    expect(cl100k.name).toBe('tiktoken:cl100k_base');
  });

  it('treats special-token text as ordinary text', () => {
    expect(cl100k.count('<|endoftext|>')).toBeGreaterThan(1);
  });

  it('token end offsets cover the text and decode back to it', () => {
    const text = 'Grüße aus Köln 🙂, the internationalization of 日本語.';
    const ends = cl100k.encodeOffsets(text);
    expect(ends.length).toBe(cl100k.count(text));
    expect(ends[ends.length - 1]).toBe(text.length);
    for (let i = 1; i < ends.length; i++) expect(ends[i]).toBeGreaterThanOrEqual(ends[i - 1]);
  });

  for (const counter of [cl100k, o200k]) {
    it(`${counter.name}: countSpan equals a direct count of every span (property)`, () => {
      fc.assert(
        fc.property(messyText, fc.nat(), fc.nat(), (text, x, y) => {
          const tokenized = counter.tokenize(text);
          const a = text.length === 0 ? 0 : x % (text.length + 1);
          const b = text.length === 0 ? 0 : y % (text.length + 1);
          const [start, end] = a <= b ? [a, b] : [b, a];
          expect(tokenized.countSpan(start, end)).toBe(counter.count(text.slice(start, end)));
          expect(tokenized.countSpan(0, text.length)).toBe(counter.count(text));
        }),
        { numRuns: 400 },
      );
    });
  }

  it('rejects an unknown encoding with a config error naming the key', () => {
    // @ts-expect-error deliberately wrong
    expect(() => createTiktokenCounter('p50k')).toThrow(/ingest.tokenizer/);
  });
});

describe('embedder token counter', () => {
  it("counts with the embedder's tokenizer, prefix and special tokens included", () => {
    const embedder = wordEmbedder({ maxInputTokens: 64 });
    const counter = createEmbedderTokenCounter(embedder, cl100k);
    // "passage:" + 3 words + [CLS] + [SEP]
    expect(counter.count('alpha beta gamma')).toBe(6);
    const tokenized = counter.tokenize('alpha beta gamma delta');
    expect(tokenized.exact).toBe(false);
    expect(tokenized.overhead).toBe(3);
    expect(tokenized.countSpan(0, 'alpha beta gamma delta'.length)).toBeGreaterThanOrEqual(7);
  });

  it('is chosen by resolveTokenCounter when the embedder has a tokenizer, else tiktoken', () => {
    expect(resolveTokenCounter({ embedder: wordEmbedder({ maxInputTokens: 64 }) }).source).toBe('embedder');
    const { countTokens: _, ...noTokenizer } = wordEmbedder({ maxInputTokens: 64 });
    expect(resolveTokenCounter({ embedder: noTokenizer }).source).toBe('tiktoken');
    expect(resolveTokenCounter({ embedder: wordEmbedder({ maxInputTokens: 64 }), tokenizer: 'o200k_base' }).counter.name).toBe(
      'tiktoken:o200k_base',
    );
  });

  it('fails clearly for an embedder without a tokenizer', () => {
    const { countTokens: _, ...noTokenizer } = wordEmbedder({ maxInputTokens: 64 });
    expect(() => createEmbedderTokenCounter(noTokenizer, cl100k)).toThrow(/countTokens/);
  });
});

describe('tokenizeText for plain counters', () => {
  it('estimates from characters scaled to the whole-document count', () => {
    const words = { name: 'words', count: (text: string) => (text.match(/\S+/g) ?? []).length };
    const tokenized = tokenizeText(words, 'one two three four');
    expect(tokenized.exact).toBe(false);
    expect(tokenized.countSpan(0, 18)).toBe(4);
  });
});
