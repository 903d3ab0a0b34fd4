import { afterAll, describe, expect, it } from 'vitest';
import { createFixedTokenChunker } from '../../../src/ingest/chunkers/fixed-token-chunker.js';
import { createTiktokenCounter } from '../../../src/models/tokens/tiktoken-counter.js';
import { tokensEndingBy } from '../../../src/models/tokens/tokenized-text.js';
import type { ChunkDraft } from '../../../src/ingest/types.js';

const tokenCounter = createTiktokenCounter('cl100k_base');
afterAll(() => tokenCounter.free());

const words = ['retrieval', 'augmented', 'generation', 'über', 'tokenization', '42', 'grounded', 'answers', 'the', 'of'];
const text = Array.from({ length: 6000 }, (_, i) => words[(i * 7 + (i % 13)) % words.length]).join(' ');

describe('fixed-size token chunker', () => {
  it('defaults to 512 tokens with exactly 50 tokens of overlap', () => {
    const chunks = createFixedTokenChunker({ maxTokens: 512, overlap: 50, tokenCounter }).chunk({
      externalId: 'a', source: 'a', title: 'a', text, format: 'text', metadata: {},
    }) as ChunkDraft[];
    const ends = tokenCounter.tokenize(text).tokenEnds;
    expect(chunks.length).toBeGreaterThan(10);
    for (let i = 0; i + 1 < chunks.length; i++) {
      const [previous, next] = [chunks[i], chunks[i + 1]];
      expect(previous.tokenCount).toBeLessThanOrEqual(512);
      expect(previous.tokenCount).toBeGreaterThanOrEqual(510);
      // The shared text is exactly 50 tokens of the document's encoding.
      expect(tokensEndingBy(ends, previous.charEnd) - tokensEndingBy(ends, next.charStart)).toBe(50);
      expect(next.text.startsWith(text.slice(next.charStart, previous.charEnd))).toBe(true);
      expect(previous.text.endsWith(text.slice(next.charStart, previous.charEnd))).toBe(true);
    }
    expect(chunks[chunks.length - 1].charEnd).toBe(text.length);
  });

  it('overlap 0 tiles the text exactly', () => {
    const chunks = createFixedTokenChunker({ maxTokens: 100, overlap: 0, tokenCounter }).chunk({
      externalId: 'a', source: 'a', title: 'a', text: text.slice(0, 5000), format: 'text', metadata: {},
    }) as ChunkDraft[];
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(text.slice(0, 5000));
  });
});
