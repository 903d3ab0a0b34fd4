/**
 * The ChatModel port's contract: the same behavioural tests over every implementation (the
 * extractive answerer; the OpenAI and Anthropic adapters against their fake servers). Call it
 * inside a test file; `subject()` is read when a test runs, so it may use servers started in
 * beforeAll.
 */
import { expect, it } from 'vitest';
import type { ChatMessage, ChatModel, StreamEvent, Usage } from '../../../src/models/chat/chat-model.js';

export interface ChatModelSubject {
  /** A fresh model. */
  make(): ChatModel;
  /** A prompt the model answers with `answer` (the fakes are scripted to; the extractive answerer quotes it). */
  messages: ChatMessage[];
  answer: string;
  /** Requests the provider received so far, where there is a server. */
  requests?(): number;
}

function expectUsage(usage: Usage): void {
  expect(Object.keys(usage).sort()).toEqual(['cachedInputTokens', 'inputTokens', 'outputTokens']);
  for (const value of Object.values(usage)) expect(Number.isInteger(value) && value >= 0).toBe(true);
  expect(usage.cachedInputTokens).toBeLessThanOrEqual(usage.inputTokens);
}

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Registers the ChatModel contract's tests for one implementation. */
export function chatModelContract(subject: () => ChatModelSubject): void {
  it('describes itself: id under its provider, a context window, tool support', () => {
    const model = subject().make();
    expect(model.provider.length).toBeGreaterThan(0);
    expect(model.id === model.provider || model.id.startsWith(`${model.provider}:`)).toBe(true);
    expect(Number.isInteger(model.contextWindow) && model.contextWindow >= 1000).toBe(true);
    expect(typeof model.supportsTools).toBe('boolean');
  });

  it('generates the answer with a well-formed usage and the model name', async () => {
    const { make, messages, answer } = subject();
    const result = await make().generate({ messages, maxTokens: 200, temperature: 0 });
    expect(result.text).toBe(answer);
    expectUsage(result.usage);
    expect(typeof result.model).toBe('string');
    expect(result.model.length).toBeGreaterThan(0);
  });

  it('streams token deltas, then one done event whose text the deltas add up to', async () => {
    const { make, messages, answer } = subject();
    const events = await collect(make().stream({ messages, maxTokens: 200 }));
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error(`the last event is ${done?.type}, not done`);
    const tokens = events.slice(0, -1);
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.every((event) => event.type === 'token' && event.text.length > 0)).toBe(true);
    expect(tokens.map((event) => (event.type === 'token' ? event.text : '')).join('')).toBe(done.result.text);
    expect(done.result.text).toBe(answer);
    expectUsage(done.result.usage);
  });

  it('refuses a call whose signal is already aborted, before reaching the provider', async () => {
    const { make, messages, requests } = subject();
    const before = requests?.();
    const signal = AbortSignal.abort();
    await expect(make().generate({ messages, signal })).rejects.toThrow();
    await expect(collect(make().stream({ messages, signal }))).rejects.toThrow();
    if (requests) expect(requests()).toBe(before);
  });

  it('refuses tools when it has none', async () => {
    const { make, messages } = subject();
    const model = make();
    if (model.supportsTools) return;
    await expect(model.generate({ messages, tools: [{ name: 'lookup', description: 'looks up', parameters: { type: 'object' } }] })).rejects.toThrow(/tools/);
  });
}
