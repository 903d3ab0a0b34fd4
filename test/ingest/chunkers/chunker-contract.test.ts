import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CHUNKER_NAMES, createChunker } from '../../../src/ingest/chunkers/create-chunker.js';
import { createEmbedderTokenCounter } from '../../../src/models/tokens/embedder-token-counter.js';
import { createTiktokenCounter } from '../../../src/models/tokens/tiktoken-counter.js';
import type { ChunkDraft, LoadedDocument, TokenCounter } from '../../../src/ingest/types.js';
import { wordEmbedder } from './test-embedders.js';

const tiktoken = createTiktokenCounter('cl100k_base');
afterAll(() => tiktoken.free());

const word = fc.constantFrom('alpha', 'beta', 'gamma', 'internationalization', 'über', '日本語', '🙂', 'x', '42', 'e.g.', 'end.', 'why?');
const sentence = fc.array(word, { minLength: 1, maxLength: 25 }).map((words) => `${words.join(' ')}.`);
const paragraph = fc.array(sentence, { minLength: 1, maxLength: 6 }).map((sentences) => sentences.join(' '));
const block = fc.oneof(
  paragraph,
  fc.tuple(fc.integer({ min: 1, max: 4 }), word).map(([level, title]) => `${'#'.repeat(level)} ${title}`),
  fc.array(fc.tuple(word, word), { minLength: 1, maxLength: 30 }).map((rows) => `| a | b |\n|---|---|\n${rows.map(([a, b]) => `| ${a} | ${b} |`).join('\n')}`),
  fc.array(paragraph, { minLength: 1, maxLength: 12 }).map((lines) => `\`\`\`python\n${lines.join('\n')}\n\`\`\``),
  fc.array(word, { minLength: 1, maxLength: 200 }).map((words) => words.join('')), // one huge "word"
  fc.array(sentence, { minLength: 1, maxLength: 10 }).map((items) => items.map((item) => `- ${item}`).join('\n')),
);
const documentArbitrary = fc
  .tuple(fc.array(block, { minLength: 1, maxLength: 12 }), fc.boolean(), fc.boolean())
  .map(([blocks, markdown, paged]): LoadedDocument => {
    const text = blocks.join('\n\n');
    const middle = text.indexOf('\n\n', text.length / 2);
    const sections =
      paged && middle > 0
        ? [
            { text: text.slice(0, middle), page: 1 },
            { text: text.slice(middle + 2), page: 2 },
          ]
        : undefined;
    return { externalId: 'doc', source: 'doc.md', title: 'doc', text, format: markdown ? 'markdown' : 'text', sections, metadata: { team: 'a' } };
  });

function checkContract(document: LoadedDocument, chunks: ChunkDraft[], counter: TokenCounter, maxTokens: number): void {
  let covered = 0;
  chunks.forEach((chunk, index) => {
    expect(chunk.ordinal).toBe(index);
    expect(chunk.tokenCount).toBeLessThanOrEqual(maxTokens);
    expect(counter.count(chunk.text)).toBe(chunk.tokenCount);
    const prefix = Number(chunk.metadata.syntheticPrefixLength ?? 0);
    const suffix = Number(chunk.metadata.syntheticSuffixLength ?? 0);
    expect(chunk.text.slice(prefix, chunk.text.length - suffix)).toBe(document.text.slice(chunk.charStart, chunk.charEnd));
    expect(chunk.metadata.team).toBe('a');
    if (document.sections) expect(chunk.page).toBeDefined();
    // Nothing is dropped: every non-space character before this chunk's end was covered.
    expect(document.text.slice(covered, chunk.charStart).trim()).toBe('');
    covered = Math.max(covered, chunk.charEnd);
  });
  expect(document.text.slice(covered).trim()).toBe('');
}

describe.each(CHUNKER_NAMES)('Chunker contract: %s', (name) => {
  it('never exceeds maxTokens (tiktoken), counts truly, keeps offsets and drops nothing (property)', async () => {
    await fc.assert(
      fc.asyncProperty(documentArbitrary, fc.integer({ min: 24, max: 120 }), async (document, maxTokens) => {
        const embedder = wordEmbedder({ maxInputTokens: 10_000 });
        const chunker = createChunker(name, { maxTokens, overlap: Math.floor(maxTokens / 5), tokenCounter: tiktoken, embedder });
        checkContract(document, await chunker.chunk(document), tiktoken, maxTokens);
      }),
      { numRuns: 60 },
    );
  });

  it("never exceeds the embedder's max input in its own tokenizer (estimated planning, verified chunks)", async () => {
    await fc.assert(
      fc.asyncProperty(documentArbitrary, async (document) => {
        const embedder = wordEmbedder({ maxInputTokens: 40 });
        const counter = createEmbedderTokenCounter(embedder, tiktoken);
        const chunker = createChunker(name, { maxTokens: 512, overlap: 5, tokenCounter: counter, embedder });
        checkContract(document, await chunker.chunk(document), counter, 40);
      }),
      { numRuns: 30 },
    );
  });
});
