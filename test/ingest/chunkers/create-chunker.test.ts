import { afterAll, describe, expect, it } from 'vitest';
import { createChunker } from '../../../src/ingest/chunkers/create-chunker.js';
import { createTiktokenCounter } from '../../../src/models/tokens/tiktoken-counter.js';
import type { ChunkDraft } from '../../../src/ingest/types.js';
import { wordEmbedder } from './test-embedders.js';

const tokenCounter = createTiktokenCounter('cl100k_base');
afterAll(() => tokenCounter.free());

describe('createChunker', () => {
  it("caps the chunk size at the embedder's maximum input", async () => {
    const chunker = createChunker('recursive', { maxTokens: 512, overlap: 0, tokenCounter, embedder: wordEmbedder({ maxInputTokens: 32 }) });
    const text = 'word '.repeat(400);
    const chunks = (await chunker.chunk({ externalId: 'a', source: 'a', title: 'a', text, format: 'text', metadata: {} })) as ChunkDraft[];
    expect(Math.max(...chunks.map((chunk) => chunk.tokenCount))).toBeLessThanOrEqual(32);
    expect(Math.max(...chunks.map((chunk) => chunk.tokenCount))).toBeGreaterThan(25);
  });

  it('rejects bad sizes with the config key', () => {
    expect(() => createChunker('fixed', { maxTokens: 0, tokenCounter })).toThrow(/ingest.chunkSize/);
    expect(() => createChunker('fixed', { maxTokens: 100, overlap: 100, tokenCounter })).toThrow(/ingest.chunkOverlap/);
    // @ts-expect-error deliberately unknown
    expect(() => createChunker('paragraphs', { maxTokens: 100, tokenCounter })).toThrow(/ingest.chunker/);
  });
});
