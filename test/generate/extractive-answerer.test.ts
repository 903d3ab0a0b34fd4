import { afterAll, describe, expect, it } from 'vitest';
import { answerExtractively } from '../../src/generate/answer-extractively.js';
import { buildPrompt } from '../../src/generate/build-prompt.js';
import { createExtractiveAnswerer } from '../../src/generate/extractive-answerer.js';
import { REFUSAL_TEXT } from '../../src/generate/refusal.js';
import { resolveCitations } from '../../src/generate/resolve-citations.js';
import { createTiktokenCounter } from '../../src/generate/tiktoken-counter.js';
import { chunk, INJECTION, RETURNS, WARRANTY } from './chunk-fixtures.js';

const counter = createTiktokenCounter('cl100k_base');
afterAll(() => counter.free());

describe('answerExtractively', () => {
  it('quotes the sentence that answers and cites it with title and page', () => {
    const result = answerExtractively('How long is the warranty on the X200 drill?', [RETURNS, WARRANTY], { maxSentences: 1 });
    expect(result.refused).toBe(false);
    expect(result.text).toBe('"The Acme X200 drill comes with a two-year limited warranty." [Source: Acme Warranty Guide, page 4]');
    expect(result.citations).toEqual([
      expect.objectContaining({ chunkId: WARRANTY.chunkId, documentId: WARRANTY.documentId, page: 4, quote: 'The Acme X200 drill comes with a two-year limited warranty.', contextIndex: 2 }),
    ]);
  });

  it('orders several quotes by score and cites page-less documents by title', () => {
    const result = answerExtractively('Within how many days can damaged items be returned for a refund?', [WARRANTY, RETURNS], { maxSentences: 2 });
    const lines = result.text.split('\n');
    expect(lines).toHaveLength(2);
    // The title "Returns Policy" is context for both sentences (it covers "returned"), so the one
    // about damaged items covers as much of the question as the one about refunds, and is shorter.
    expect(lines[0]).toBe('"Damaged items must be reported within 7 days of delivery." [Source: Returns Policy]');
    expect(lines[1]).toBe('"Items can be returned within 30 days of purchase for a full refund." [Source: Returns Policy]');
  });

  it('reads a chunk again when what it reads changed: the same chunk id with other text, title or edges', () => {
    const question = 'How long is the warranty on the X200 drill?';
    expect(answerExtractively(question, [WARRANTY]).text).toContain('two-year');
    // Context expansion hands over the same chunk id with more text; a re-ingest keeps ids apart anyway.
    const changed = { ...WARRANTY, text: WARRANTY.text.replace('two-year', 'five-year') };
    expect(answerExtractively(question, [changed]).text).toContain('five-year');
    expect(answerExtractively(question, [changed]).text).not.toContain('two-year');
    const retitled = { ...WARRANTY, title: 'Zeta Handbook' };
    expect(answerExtractively(question, [retitled]).text).toContain('[Source: Zeta Handbook');
    expect(answerExtractively(question, [WARRANTY]).text).toContain('two-year');
  });

  it('refuses with exactly the refusal sentence when nothing covers the question', () => {
    for (const question of ['Who is the CEO of Acme?', 'the of and', 'What is the capital of France?']) {
      const result = answerExtractively(question, [WARRANTY, RETURNS, INJECTION]);
      expect(result).toEqual({ text: REFUSAL_TEXT, citations: [], refused: true });
    }
    expect(answerExtractively('warranty?', []).text).toBe(REFUSAL_TEXT);
  });

  it('does not repeat a sentence that overlapping chunks share', () => {
    const overlap = chunk(7, WARRANTY.text, { title: 'Copy', page: 1 });
    const result = answerExtractively('two-year limited warranty drill', [WARRANTY, overlap], { maxSentences: 3 });
    const quoted = result.text.split('\n').map((line) => line.replace(/ \[Source:.*$/, ''));
    expect(new Set(quoted).size).toBe(quoted.length);
  });

  it('never quotes injected instructions as an answer to an unrelated question', () => {
    const result = answerExtractively('How long does shipping take?', [INJECTION]);
    expect(result.text).toBe('"Shipping takes 3 to 5 business days." [Source: Shipping FAQ, page 2]');
  });
});

describe('createExtractiveAnswerer', () => {
  it('answers through the ChatModel interface from a prompt built by buildPrompt, with citations that resolve', async () => {
    const model = createExtractiveAnswerer({ maxSentences: 1 });
    const prompt = buildPrompt({ question: 'How long is the drill warranty?', chunks: [WARRANTY, RETURNS], tokenCounter: counter, maxPromptTokens: 3000 });
    const result = await model.generate({ messages: prompt.messages });
    expect(result.text).toBe('"The Acme X200 drill comes with a two-year limited warranty." [Source: Acme Warranty Guide, page 4]');
    expect(result.usage).toEqual({ inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 });
    const resolved = resolveCitations(result.text, prompt.context);
    expect(resolved.dropped).toEqual([]);
    expect(resolved.citations[0].chunkId).toBe(WARRANTY.chunkId);

    let streamed = '';
    for await (const event of model.stream({ messages: prompt.messages })) if (event.type === 'token') streamed += event.text;
    expect(streamed).toBe(result.text);
    expect((await model.generate({ messages: [{ role: 'user', content: 'no documents here' }] })).text).toBe(REFUSAL_TEXT);
    await expect(model.generate({ messages: prompt.messages, tools: [{ name: 't', description: 'd', parameters: {} }] })).rejects.toThrow(/tools/);
  });
});
