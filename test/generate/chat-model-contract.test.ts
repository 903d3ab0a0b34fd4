import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicChatModel } from '../../src/generate/anthropic-chat-model.js';
import { buildPrompt } from '../../src/generate/build-prompt.js';
import { createExtractiveAnswerer } from '../../src/generate/extractive-answerer.js';
import { createOpenAIChatModel } from '../../src/generate/openai-chat-model.js';
import { createTiktokenCounter } from '../../src/generate/tiktoken-counter.js';
import type { ChatModel, StreamEvent } from '../../src/models/types.js';
import { startFakeAnthropicServer, type FakeAnthropicServer } from '../helpers/fake-anthropic-server.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { RETURNS, WARRANTY } from './chunk-fixtures.js';

const ANSWER = '"The Acme X200 drill comes with a two-year limited warranty." [Source: Acme Warranty Guide, page 4]';
const counter = createTiktokenCounter('o200k_base');
let openai: FakeOpenAIServer;
let anthropic: FakeAnthropicServer;
beforeAll(async () => {
  // Both fakes answer every request with what the extractive answerer says for this prompt.
  openai = await startFakeOpenAIServer({ respond: () => ({ text: ANSWER, usage: { promptTokens: 10, completionTokens: 5 } }) });
  anthropic = await startFakeAnthropicServer({ respond: () => ({ text: ANSWER, usage: { inputTokens: 10, outputTokens: 5 } }) });
});
afterAll(async () => {
  counter.free();
  await Promise.all([openai.close(), anthropic.close()]);
});

const implementations: Array<[string, () => ChatModel]> = [
  ['extractive', () => createExtractiveAnswerer({ maxSentences: 1 })],
  ['openai', () => createOpenAIChatModel({ model: 'gpt-4o-mini', baseUrl: openai.baseUrl, apiKey: 'k' })],
  ['anthropic', () => createAnthropicChatModel({ model: 'claude-opus-4-1', baseUrl: anthropic.origin, apiKey: 'k', tokenCounter: counter })],
];

describe.each(implementations)('ChatModel contract: %s', (name, make) => {
  const prompt = () => buildPrompt({ question: 'How long is the drill warranty?', chunks: [WARRANTY, RETURNS], tokenCounter: counter, maxPromptTokens: 3000 }).messages;

  it('describes itself', () => {
    const model = make();
    expect(model.id.startsWith(name)).toBe(true);
    expect(model.provider).toBe(name);
    expect(model.contextWindow).toBeGreaterThan(1000);
  });

  it('generates the answer with a well-formed usage', async () => {
    const result = await make().generate({ messages: prompt(), maxTokens: 200, temperature: 0 });
    expect(result.text).toBe(ANSWER);
    for (const value of Object.values(result.usage)) expect(Number.isInteger(value) && value >= 0).toBe(true);
    expect(Object.keys(result.usage).sort()).toEqual(['cachedInputTokens', 'inputTokens', 'outputTokens']);
  });

  it('streams tokens that add up to the text of the final done event', async () => {
    const events: StreamEvent[] = [];
    for await (const event of make().stream({ messages: prompt() })) events.push(event);
    expect(events.at(-1)?.type).toBe('done');
    expect(events.slice(0, -1).every((event) => event.type === 'token')).toBe(true);
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error('no done event');
    expect(events.map((event) => (event.type === 'token' ? event.text : '')).join('')).toBe(done.result.text);
    expect(done.result.text).toBe(ANSWER);
  });
});
