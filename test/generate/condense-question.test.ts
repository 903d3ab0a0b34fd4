import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendSalientTerms, CONDENSE_SYSTEM_PROMPT, condenseQuestion } from '../../src/generate/condense-question.js';
import { createExtractiveAnswerer } from '../../src/generate/extractive-answerer.js';
import { createOpenAIChatModel } from '../../src/models/chat/openai-chat-model.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../helpers/fake-openai-server.js';

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeOpenAIServer();
});
afterAll(async () => {
  await server.close();
});

const history = [
  { role: 'user' as const, content: 'What does the Acme drill warranty cover?' },
  { role: 'assistant' as const, content: 'Defects in materials and workmanship.' },
  { role: 'user' as const, content: 'And the battery packs?' },
  { role: 'assistant' as const, content: 'One year.' },
];

describe('condenseQuestion', () => {
  it('returns the question as asked when there is no history', async () => {
    expect(await condenseQuestion([], 'How long is the warranty?')).toEqual({
      query: 'How long is the warranty?',
      method: 'none',
      usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 },
    });
  });

  it('appends salient terms of earlier user turns for the extractive answerer, newest first, skipping words already asked', async () => {
    const condensed = await condenseQuestion(history, 'How long does the warranty last?', createExtractiveAnswerer());
    expect(condensed.method).toBe('salient-terms');
    expect(condensed.query).toBe('How long does the warranty last? battery packs acme drill cover');
    expect(appendSalientTerms([], 'q?')).toBe('q?');
  });

  it('asks a generative model to rewrite the follow-up, sending the transcript, and reports usage', async () => {
    server.enqueue({ text: '"How long is the Acme drill battery pack warranty?"', usage: { promptTokens: 80, completionTokens: 12, cachedTokens: 0 } });
    const before = server.requests.length;
    const model = createOpenAIChatModel({ model: 'gpt-4o-mini', baseUrl: server.baseUrl, apiKey: 'k' });
    const condensed = await condenseQuestion(history, 'How long does it last?', model);
    expect(condensed).toEqual({ query: 'How long is the Acme drill battery pack warranty?', method: 'llm', usage: { inputTokens: 80, outputTokens: 12, cachedInputTokens: 0 } });
    const sent = server.requests[before].body;
    expect(sent.messages[0]).toEqual({ role: 'system', content: CONDENSE_SYSTEM_PROMPT });
    expect(sent.messages[1].content).toBe(
      'Conversation:\nUser: What does the Acme drill warranty cover?\nAssistant: Defects in materials and workmanship.\nUser: And the battery packs?\nAssistant: One year.\n\nFollow-up question: How long does it last?\n\nStandalone question:',
    );
    expect(sent.temperature).toBe(0);
  });

  it('keeps the question and says why when the model returns an empty rewrite', async () => {
    server.enqueue({ text: '   ' });
    const model = createOpenAIChatModel({ model: 'gpt-4o-mini', baseUrl: server.baseUrl, apiKey: 'k' });
    const condensed = await condenseQuestion(history, 'How long does it last?', model);
    expect(condensed.query).toBe('How long does it last?');
    expect(condensed.notice).toMatch(/empty rewrite/);
  });
});
