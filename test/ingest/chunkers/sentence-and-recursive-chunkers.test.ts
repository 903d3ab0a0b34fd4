import { afterAll, describe, expect, it } from 'vitest';
import { createRecursiveChunker } from '../../../src/ingest/chunkers/recursive-chunker.js';
import { createSentenceChunker } from '../../../src/ingest/chunkers/sentence-chunker.js';
import { createTiktokenCounter } from '../../../src/models/tokens/tiktoken-counter.js';
import type { ChunkDraft, LoadedDocument } from '../../../src/ingest/types.js';

const tokenCounter = createTiktokenCounter('cl100k_base');
afterAll(() => tokenCounter.free());
const doc = (text: string): LoadedDocument => ({ externalId: 'a', source: 'a', title: 'a', text, format: 'text', metadata: {} });

const sentences = Array.from({ length: 80 }, (_, i) => `Sentence number ${i} talks about topic ${i % 9} at some length, with detail.`);

describe('sentence chunker', () => {
  it('never cuts inside a sentence', async () => {
    const text = sentences.join(' ');
    const chunks = (await createSentenceChunker({ maxTokens: 60, overlap: 0, tokenCounter }).chunk(doc(text))) as ChunkDraft[];
    expect(chunks.length).toBeGreaterThan(5);
    const rebuilt = chunks.flatMap((chunk) => chunk.text.split(/(?<=\.) /));
    expect(rebuilt).toEqual(sentences);
  });

  it('repeats whole trailing sentences as overlap', async () => {
    const chunks = (await createSentenceChunker({ maxTokens: 60, overlap: 20, tokenCounter }).chunk(doc(sentences.join(' ')))) as ChunkDraft[];
    for (let i = 0; i + 1 < chunks.length; i++) {
      const lastSentence = chunks[i].text.split(/(?<=\.) /).pop() as string;
      expect(chunks[i + 1].text.startsWith(lastSentence)).toBe(true);
    }
  });

  it('cuts a sentence only when it alone exceeds the limit', async () => {
    const long = `Very ${'very '.repeat(200)}long sentence.`;
    const chunks = (await createSentenceChunker({ maxTokens: 50, overlap: 0, tokenCounter }).chunk(doc(`Short one. ${long} Short two.`))) as ChunkDraft[];
    expect(chunks[0].text).toBe('Short one.');
    expect(chunks.at(-1)?.text).toBe('Short two.');
    expect(chunks.slice(1, -1).every((chunk) => chunk.metadata.splitSentence === true && chunk.tokenCount <= 50)).toBe(true);
  });
});

describe('recursive chunker', () => {
  it('cuts at paragraph breaks before lines, sentences and words', async () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `Paragraph ${i}. ${'Some filler words here. '.repeat(3).trim()}`);
    const chunks = (await createRecursiveChunker({ maxTokens: 70, overlap: 0, tokenCounter }).chunk(doc(paragraphs.join('\n\n')))) as ChunkDraft[];
    for (const chunk of chunks) {
      for (const part of chunk.text.split('\n\n')) expect(paragraphs).toContain(part);
    }
  });
});
