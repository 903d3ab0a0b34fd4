import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ProviderError } from '../../src/errors.js';
import { minCacheableTokens } from '../../src/models/chat/anthropic-cache-minimums.js';
import { createAnthropicChatModel } from '../../src/models/chat/anthropic-chat-model.js';
import type { TokenCounter } from '../../src/ingest/types.js';
import type { StreamEvent } from '../../src/models/types.js';
import { startFakeAnthropicServer, type FakeAnthropicServer } from '../helpers/fake-anthropic-server.js';

let server: FakeAnthropicServer;
beforeAll(async () => {
  server = await startFakeAnthropicServer();
});
afterAll(async () => {
  await server.close();
});

/** Counts whitespace-separated words: enough to put a prefix on either side of the minimum. */
const wordCounter: TokenCounter = { name: 'words', count: (text) => text.split(/\s+/).filter(Boolean).length };
const model = (name = 'claude-opus-4-1', timeoutMs = 2000) =>
  createAnthropicChatModel({ model: name, baseUrl: server.origin, apiKey: 'sk-ant-test', timeoutMs, tokenCounter: wordCounter });

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('createAnthropicChatModel', () => {
  it('sends the system prompt as a system block and reports usage with cache reads', async () => {
    server.enqueue({ text: 'Two years.', usage: { inputTokens: 30, outputTokens: 4, cacheReadInputTokens: 1200, cacheCreationInputTokens: 0 } });
    const before = server.requests.length;
    const result = await model().generate({
      messages: [
        { role: 'system', content: 'Answer from the context.', cacheable: true },
        { role: 'user', content: 'What is the warranty?' },
      ],
      maxTokens: 100,
      temperature: 0,
    });
    expect(result.text).toBe('Two years.');
    expect(result.usage).toEqual({ inputTokens: 1230, outputTokens: 4, cachedInputTokens: 1200 });
    expect(result.finishReason).toBe('end_turn');
    const request = server.requests[before];
    // SDK versions send the key as x-api-key or as a bearer token.
    expect(request.headers['x-api-key'] ?? request.headers.authorization).toMatch(/^(Bearer )?sk-ant-test$/);
    expect(request.headers['anthropic-version']).toBeTruthy();
    expect(request.body).toEqual({
      model: 'claude-opus-4-1',
      max_tokens: 100,
      temperature: 0,
      system: [{ type: 'text', text: 'Answer from the context.' }],
      messages: [{ role: 'user', content: 'What is the warranty?' }],
    });
  });

  it('marks the stable prefix cacheable only when it reaches the model minimum', async () => {
    const long = 'word '.repeat(1100);
    server.enqueue({ text: 'a' }, { text: 'b' }, { text: 'c' });
    const before = server.requests.length;
    await model('claude-opus-4-1').generate({ messages: [{ role: 'system', content: long }, { role: 'user', content: 'q' }] });
    await model('claude-sonnet-4-6').generate({ messages: [{ role: 'system', content: long }, { role: 'user', content: 'q' }] });
    await model('claude-opus-4-1').generate({ messages: [{ role: 'system', content: 'short' }, { role: 'user', content: 'q' }] });
    expect(server.requests[before].body.system[0].cache_control).toEqual({ type: 'ephemeral' });
    // 1100 tokens is under Sonnet 4.6's 2048 minimum: no breakpoint.
    expect(server.requests[before + 1].body.system[0].cache_control).toBeUndefined();
    expect(server.requests[before + 2].body.system[0].cache_control).toBeUndefined();
    expect(minCacheableTokens('claude-opus-4-1')).toBe(1024);
    expect(minCacheableTokens('claude-haiku-4-5')).toBe(4096);
    expect(minCacheableTokens('claude-3-haiku-20240307')).toBe(2048);
  });

  it('streams text deltas through the SDK stream events, with usage merged from message_start and message_delta', async () => {
    server.enqueue({ text: 'The warranty lasts two years.', usage: { inputTokens: 50, outputTokens: 8, cacheReadInputTokens: 0, cacheCreationInputTokens: 1500 } });
    const before = server.requests.length;
    const events = await collect(model().stream({ messages: [{ role: 'user', content: 'q' }] }));
    const text = events.map((event) => (event.type === 'token' ? event.text : '')).join('');
    expect(text).toBe('The warranty lasts two years.');
    expect(events.filter((event) => event.type === 'token').length).toBeGreaterThan(2);
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error('no done event');
    expect(done.result.usage).toEqual({ inputTokens: 1550, outputTokens: 8, cachedInputTokens: 0 });
    expect(done.result.finishReason).toBe('end_turn');
    expect(server.requests[before].body.stream).toBe(true);
  });

  it('returns tool calls (plain and streamed) and sends tool definitions as input_schema', async () => {
    const tools = [{ name: 'drift', description: 'PSI drift check', parameters: { type: 'object', properties: { column: { type: 'string' } } } }];
    server.enqueue({ toolCalls: [{ name: 'drift', input: { column: 'age' } }] }, { toolCalls: [{ name: 'drift', input: { column: 'income' } }] });
    const before = server.requests.length;
    const plain = await model().generate({ messages: [{ role: 'user', content: 'q' }], tools });
    expect(plain.toolCalls).toEqual([{ name: 'drift', arguments: '{"column":"age"}' }]);
    expect(server.requests[before].body.tools).toEqual([{ name: 'drift', description: 'PSI drift check', input_schema: tools[0].parameters }]);
    const events = await collect(model().stream({ messages: [{ role: 'user', content: 'q' }], tools }));
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error('no done event');
    expect(done.result.toolCalls).toEqual([{ name: 'drift', arguments: '{"column":"income"}' }]);
  });

  it('maps 429 (with Retry-After), 529 and 400 to ProviderErrors without retrying', async () => {
    server.enqueue({ status: 429, headers: { 'retry-after': '3' } }, { status: 529 }, { status: 400 });
    const before = server.requests.length;
    const limited = (await model().generate({ messages: [{ role: 'user', content: 'q' }] }).catch((error: unknown) => error)) as ProviderError;
    expect(limited).toBeInstanceOf(ProviderError);
    expect([limited.status, limited.isRetryable, limited.retryAfterMs, limited.provider]).toEqual([429, true, 3000, 'anthropic']);
    const overloaded = (await collect(model().stream({ messages: [{ role: 'user', content: 'q' }] })).catch((error: unknown) => error)) as ProviderError;
    expect([overloaded.status, overloaded.isRetryable]).toEqual([529, true]);
    const bad = (await model().generate({ messages: [{ role: 'user', content: 'q' }] }).catch((error: unknown) => error)) as ProviderError;
    expect([bad.status, bad.isRetryable]).toEqual([400, false]);
    expect(server.requests.length - before).toBe(3);
  });

  it('times out a slow server with a retryable ProviderError', async () => {
    server.enqueue({ text: 'late', delayMs: 1500 });
    const error = (await model('claude-opus-4-1', 200).generate({ messages: [{ role: 'user', content: 'q' }] }).catch((caught: unknown) => caught)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.isRetryable).toBe(true);
    expect(error.message).toMatch(/timed out after 200 ms/);
  });

  it('needs an API key from the argument or ANTHROPIC_API_KEY and names both', () => {
    expect(() => createAnthropicChatModel({ model: 'claude-opus-4-1', env: {} })).toThrow(ConfigError);
    expect(() => createAnthropicChatModel({ model: 'claude-opus-4-1', env: {} })).toThrow(/apiKey.*ANTHROPIC_API_KEY/);
    expect(createAnthropicChatModel({ model: 'claude-opus-4-1', env: { ANTHROPIC_API_KEY: 'k' } }).id).toBe('anthropic:claude-opus-4-1');
  });
});
