import { afterAll, beforeAll, describe } from 'vitest';
import { buildPrompt } from '../../src/generate/build-prompt.js';
import { createExtractiveAnswerer } from '../../src/generate/extractive-answerer.js';
import { createAnthropicChatModel } from '../../src/models/chat/anthropic-chat-model.js';
import type { ChatMessage } from '../../src/models/chat/chat-model.js';
import { createOpenAIChatModel } from '../../src/models/chat/openai-chat-model.js';
import { createTiktokenCounter } from '../../src/models/tokens/tiktoken-counter.js';
import { RETURNS, WARRANTY } from '../generate/chunk-fixtures.js';
import { startFakeAnthropicServer, type FakeAnthropicServer } from '../helpers/fake-anthropic-server.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { chatModelContract } from './contracts/chat-model.contract.js';

/** What the extractive answerer says for the prompt below; the fakes are scripted to say the same. */
const ANSWER = '"The Acme X200 drill comes with a two-year limited warranty." [Source: Acme Warranty Guide, page 4]';
const counter = createTiktokenCounter('o200k_base');
let messages: ChatMessage[];
let openai: FakeOpenAIServer;
let anthropic: FakeAnthropicServer;

beforeAll(async () => {
  messages = buildPrompt({ question: 'How long is the drill warranty?', chunks: [WARRANTY, RETURNS], tokenCounter: counter, maxPromptTokens: 3000 }).messages;
  openai = await startFakeOpenAIServer({ respond: () => ({ text: ANSWER, usage: { promptTokens: 10, completionTokens: 5, cachedTokens: 2 } }) });
  anthropic = await startFakeAnthropicServer({ respond: () => ({ text: ANSWER, usage: { inputTokens: 10, outputTokens: 5 } }) });
});
afterAll(async () => {
  counter.free();
  await Promise.all([openai?.close(), anthropic?.close()]);
});

describe('ChatModel contract: extractive', () => {
  chatModelContract(() => ({ make: () => createExtractiveAnswerer({ maxSentences: 1 }), messages, answer: ANSWER }));
});

describe('ChatModel contract: openai (fake OpenAI server)', () => {
  chatModelContract(() => ({
    make: () => createOpenAIChatModel({ model: 'gpt-4o-mini', baseUrl: openai.baseUrl, apiKey: 'k', env: {} }),
    messages,
    answer: ANSWER,
    requests: () => openai.requests.length,
  }));
});

describe('ChatModel contract: anthropic (fake Anthropic server)', () => {
  chatModelContract(() => ({
    make: () => createAnthropicChatModel({ model: 'claude-opus-4-1', baseUrl: anthropic.origin, apiKey: 'k', tokenCounter: counter, env: {} }),
    messages,
    answer: ANSWER,
    requests: () => anthropic.requests.length,
  }));
});
