import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ProviderError } from '../../src/errors.js';
import { createOpenAIChatModel } from '../../src/models/chat/openai-chat-model.js';
import type { StreamEvent } from '../../src/models/types.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../helpers/fake-openai-server.js';

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeOpenAIServer();
});
afterAll(async () => {
  await server.close();
});

const model = () => createOpenAIChatModel({ model: 'gpt-4o-mini', baseUrl: server.baseUrl, apiKey: 'test-key', timeoutMs: 2000 });
const messages = [
  { role: 'system' as const, content: 'Answer from the context.' },
  { role: 'user' as const, content: 'What is the warranty?' },
];

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('createOpenAIChatModel', () => {
  it('generates text with usage, including cached prompt tokens, and sends the messages verbatim', async () => {
    server.enqueue({ text: 'Two years [Source: Handbook, page 3]', usage: { promptTokens: 120, completionTokens: 9, cachedTokens: 64 } });
    const before = server.requests.length;
    const result = await model().generate({ messages, maxTokens: 55, temperature: 0 });
    expect(result.text).toBe('Two years [Source: Handbook, page 3]');
    expect(result.usage).toEqual({ inputTokens: 120, outputTokens: 9, cachedInputTokens: 64 });
    expect(result.finishReason).toBe('stop');
    const request = server.requests[before];
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer test-key');
    expect(request.body.model).toBe('gpt-4o-mini');
    expect(request.body.max_tokens).toBe(55);
    expect(request.body.temperature).toBe(0);
    expect(request.body.messages).toEqual([
      { role: 'system', content: 'Answer from the context.' },
      { role: 'user', content: 'What is the warranty?' },
    ]);
  });

  it('streams token deltas that add up to the text, then usage from the final chunk', async () => {
    server.enqueue({ text: 'The warranty lasts two years.', usage: { promptTokens: 40, completionTokens: 6, cachedTokens: 32 } });
    const before = server.requests.length;
    const events = await collect(model().stream({ messages }));
    const tokens = events.filter((event) => event.type === 'token');
    expect(tokens.length).toBeGreaterThan(2);
    expect(tokens.map((event) => (event.type === 'token' ? event.text : '')).join('')).toBe('The warranty lasts two years.');
    const done = events.at(-1);
    expect(done?.type).toBe('done');
    if (done?.type !== 'done') throw new Error('no done event');
    expect(done.result.text).toBe('The warranty lasts two years.');
    expect(done.result.usage).toEqual({ inputTokens: 40, outputTokens: 6, cachedInputTokens: 32 });
    expect(server.requests[before].body.stream).toBe(true);
    expect(server.requests[before].body.stream_options).toEqual({ include_usage: true });
  });

  it('sends tool definitions and returns tool calls with raw argument text (plain and streamed)', async () => {
    const tools = [{ name: 'psi', description: 'population stability index', parameters: { type: 'object', properties: { bins: { type: 'number' } } } }];
    server.enqueue({ toolCalls: [{ name: 'psi', arguments: '{"bins":10}' }] });
    const before = server.requests.length;
    const result = await model().generate({ messages, tools });
    expect(result.toolCalls).toEqual([{ name: 'psi', arguments: '{"bins":10}' }]);
    expect(server.requests[before].body.tools[0]).toMatchObject({ type: 'function', function: { name: 'psi', parameters: tools[0].parameters } });

    server.enqueue({ toolCalls: [{ name: 'psi', arguments: '{"bins":12}' }] });
    const events = await collect(model().stream({ messages, tools }));
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error('no done event');
    expect(done.result.toolCalls).toEqual([{ name: 'psi', arguments: '{"bins":12}' }]);
  });

  it('turns a 429 into a retryable ProviderError with retryAfterMs from Retry-After, without retrying', async () => {
    server.enqueue({ status: 429, headers: { 'retry-after': '7' }, errorMessage: 'Rate limit reached' });
    const before = server.requests.length;
    const error = await model().generate({ messages }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    const providerError = error as ProviderError;
    expect(providerError.status).toBe(429);
    expect(providerError.isRetryable).toBe(true);
    expect(providerError.retryAfterMs).toBe(7000);
    expect(providerError.provider).toBe('openai');
    expect(providerError.model).toBe('gpt-4o-mini');
    expect(server.requests.length - before).toBe(1);
  });

  it('turns a 500 during streaming into a retryable ProviderError and a 400 into a non-retryable one', async () => {
    server.enqueue({ status: 500, errorMessage: 'boom' });
    const streamed = await collect(model().stream({ messages })).catch((caught: unknown) => caught);
    expect(streamed).toBeInstanceOf(ProviderError);
    expect((streamed as ProviderError).status).toBe(500);
    expect((streamed as ProviderError).isRetryable).toBe(true);

    server.enqueue({ status: 400, errorMessage: 'bad request' });
    const plain = (await model().generate({ messages }).catch((caught: unknown) => caught)) as ProviderError;
    expect(plain).toBeInstanceOf(ProviderError);
    expect(plain.status).toBe(400);
    expect(plain.isRetryable).toBe(false);
  });

  it('times out a slow server with a retryable ProviderError that names the timeout', async () => {
    server.enqueue({ text: 'late', delayMs: 1500 });
    const slow = createOpenAIChatModel({ model: 'gpt-4o-mini', baseUrl: server.baseUrl, apiKey: 'k', timeoutMs: 200 });
    const error = (await slow.generate({ messages }).catch((caught: unknown) => caught)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.isRetryable).toBe(true);
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/timed out after 200 ms/);
  });

  it('reports a caller abort as a non-retryable ProviderError', async () => {
    server.enqueue({ text: 'late', delayMs: 1000 });
    const controller = new AbortController();
    const before = server.requests.length;
    const pending = model()
      .generate({ messages, signal: controller.signal })
      .catch((caught: unknown) => caught);
    // Abort once the server holds the request (a fixed delay raced the client on a busy machine and
    // left the queued reply to the next test).
    while (server.requests.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const error = (await pending) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.isRetryable).toBe(false);
    expect(error.message).toMatch(/aborted/);
  });

  it('reads the key from OPENAI_API_KEY, accepts an explicit placeholder key, and names both sources when missing', async () => {
    expect(() => createOpenAIChatModel({ model: 'gpt-4o-mini', env: {} })).toThrow(ConfigError);
    expect(() => createOpenAIChatModel({ model: 'gpt-4o-mini', env: {} })).toThrow(/apiKey.*OPENAI_API_KEY/);
    server.enqueue({ text: 'ok' }, { text: 'ok' });
    const before = server.requests.length;
    await createOpenAIChatModel({ model: 'llama3.1', baseUrl: server.baseUrl, env: { OPENAI_API_KEY: 'from-env' } }).generate({ messages });
    expect(server.requests[before].headers.authorization).toBe('Bearer from-env');
    const local = createOpenAIChatModel({ model: 'llama3.1', baseUrl: server.baseUrl, apiKey: 'none', contextWindow: 4096, env: {} });
    expect(local.contextWindow).toBe(4096);
    expect((await local.generate({ messages })).text).toBe('ok');
  });

  it('knows the context window of OpenAI models and assumes 8k for unknown local models', () => {
    expect(createOpenAIChatModel({ model: 'gpt-4o-mini', apiKey: 'k' }).contextWindow).toBe(128_000);
    expect(createOpenAIChatModel({ model: 'gpt-4.1-mini', apiKey: 'k' }).contextWindow).toBe(1_047_576);
    expect(createOpenAIChatModel({ model: 'qwen2.5:7b', apiKey: 'k' }).contextWindow).toBe(8_192);
  });
});
