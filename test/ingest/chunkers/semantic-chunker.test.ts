import { afterAll, describe, expect, it } from 'vitest';
import { breakpointThreshold, createSemanticChunker } from '../../../src/ingest/chunkers/semantic-chunker.js';
import { createChunker } from '../../../src/ingest/chunkers/create-chunker.js';
import { createTiktokenCounter } from '../../../src/models/tokens/tiktoken-counter.js';
import type { ChunkDraft } from '../../../src/ingest/types.js';
import { wordEmbedder } from './test-embedders.js';

const tokenCounter = createTiktokenCounter('cl100k_base');
afterAll(() => tokenCounter.free());

const topics = {
  ocean: ['ocean', 'waves', 'coral', 'salt', 'tides', 'whales', 'reef', 'marine'],
  finance: ['stocks', 'bonds', 'interest', 'market', 'dividend', 'portfolio', 'equity', 'inflation'],
  cooking: ['recipe', 'garlic', 'butter', 'oven', 'flour', 'simmer', 'onion', 'sauce'],
};
/** Short fillers: the test embedder only sees words of four letters or more. */
const fillers = ['so', 'far', 'too', 'by', 'up', 'out'];

/** Sentences of one topic: each uses four of the topic's words, sharing three with its neighbour. */
function topicSentences(words: string[], count: number, seed: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const pick = [0, 1, 2, 3].map((k) => words[(i + k + seed) % words.length]);
    return `The ${pick[0]} and ${pick[1]} go ${fillers[(i + seed) % fillers.length]} as ${pick[2]} or ${pick[3]}.`;
  });
}

describe('semantic chunker', () => {
  it('breaks exactly at planted topic shifts', async () => {
    const blocks = [topicSentences(topics.ocean, 20, 1), topicSentences(topics.finance, 20, 2), topicSentences(topics.cooking, 20, 3)];
    const text = blocks.map((sentences) => sentences.join(' ')).join(' ');
    const embedder = wordEmbedder({ maxInputTokens: 2048 });
    const chunker = createSemanticChunker({ maxTokens: 2048, tokenCounter, embedder, breakpoint: { method: 'stddev', amount: 2 } });
    const chunks = (await chunker.chunk({ externalId: 'a', source: 'a', title: 'a', text, format: 'text', metadata: {} })) as ChunkDraft[];
    expect(chunks.map((chunk) => chunk.text)).toEqual(blocks.map((sentences) => sentences.join(' ')));
    expect(embedder.batches.every((batch) => batch.length <= embedder.maxBatchSize)).toBe(true);
  });

  it('with the default percentile rule, no chunk mixes topics', async () => {
    const blocks = [topicSentences(topics.ocean, 20, 1), topicSentences(topics.finance, 20, 2), topicSentences(topics.cooking, 20, 3)];
    const text = blocks.map((sentences) => sentences.join(' ')).join(' ');
    const chunks = (await createChunker('semantic', { maxTokens: 2048, tokenCounter, embedder: wordEmbedder({ maxInputTokens: 4096 }) }).chunk({
      externalId: 'a', source: 'a', title: 'a', text, format: 'text', metadata: {},
    })) as ChunkDraft[];
    expect(chunks.length).toBeLessThanOrEqual(6);
    for (const chunk of chunks) {
      const present = Object.values(topics).filter((words) => words.some((word) => chunk.text.includes(word)));
      expect(present).toHaveLength(1);
    }
  });

  it('needs an embedder', () => {
    expect(() => createChunker('semantic', { maxTokens: 100, tokenCounter })).toThrow(/ingest.chunker.*embedder/);
  });

  it('computes percentile and stddev thresholds', () => {
    expect(breakpointThreshold([0, 0.25, 0.5, 0.75, 1], { method: 'percentile', amount: 50 })).toBe(0.5);
    expect(breakpointThreshold([0, 1], { method: 'stddev', amount: 1 })).toBe(1);
  });
});
