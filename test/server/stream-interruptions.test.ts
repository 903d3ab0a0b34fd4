import { describe, expect, it } from 'vitest';
import type { ChatModel } from '../../src/models/types.js';
import type { RequestLogLine } from '../../src/server/request-log.js';
import { startServer } from '../../src/server/start-server.js';
import { corpusGroundwork, parseSse } from './server-fixtures.js';

/** A chat model that streams one word every `everyMs` for far longer than the shutdown grace, until aborted. */
function slowChatModel(everyMs = 40): ChatModel {
  const usage = { inputTokens: 100, outputTokens: 500, cachedInputTokens: 0 };
  return {
    id: 'recording:test',
    provider: 'recording',
    contextWindow: 16_000,
    supportsTools: false,
    async generate() {
      return { text: 'never used', usage, model: 'test' };
    },
    async *stream(request) {
      for (let i = 0; i < 500; i++) {
        if (request.signal?.aborted) throw request.signal.reason;
        await new Promise((resolve) => setTimeout(resolve, everyMs));
        yield { type: 'token', text: `word${i} ` };
      }
      yield { type: 'done', result: { text: 'the end', usage, model: 'test' } };
    },
  };
}

/** Starts a server with a short grace, opens a stream, waits for its first token, then shuts down. */
async function streamThroughShutdown(path: string, body: unknown) {
  const lines: RequestLogLine[] = [];
  const gw = await corpusGroundwork({ chatModel: slowChatModel() });
  const server = await startServer({ groundwork: gw, port: 0, host: '127.0.0.1', server: { auth: false, shutdownGraceMs: 200 }, log: (line) => lines.push(line) });
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('word0')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  const started = performance.now();
  const closing = server.close();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await closing;
  return { events: parseSse(text), lines, closeMs: performance.now() - started };
}

describe('shutdown while a stream is longer than the grace period', () => {
  it('ends /v1/ask streams with an error event and logs them as interrupted 503', async () => {
    const { events, lines, closeMs } = await streamThroughShutdown('/v1/ask', { question: 'How long is the drill warranty?', tenant: 'acme', stream: true });
    const last = events[events.length - 1];
    expect(last.event).toBe('error');
    expect(JSON.parse(last.data).error.code).toBe('UNAVAILABLE');
    expect(events.some((e) => e.event === 'done')).toBe(false);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ route: '/v1/ask', status: 503, errorCode: 'UNAVAILABLE', interrupted: true });
    expect(closeMs).toBeLessThan(8_000); // the stream alone would run 20 s
  }, 120_000);

  it('ends OpenAI-compatible streams with an error chunk, then data: [DONE]', async () => {
    const { events, lines } = await streamThroughShutdown('/v1/chat/completions', {
      model: 'groundwork',
      stream: true,
      tenant: 'acme',
      messages: [{ role: 'user', content: 'How long is the drill warranty?' }],
    });
    expect(events[events.length - 1].data).toBe('[DONE]');
    expect(JSON.parse(events[events.length - 2].data).error.code).toBe('UNAVAILABLE');
    expect(lines[0]).toMatchObject({ route: '/v1/chat/completions', status: 503, interrupted: true });
  }, 120_000);
});

describe('a client that leaves mid-stream', () => {
  it('is logged as 499 interrupted, not as a 200', async () => {
    const lines: RequestLogLine[] = [];
    const gw = await corpusGroundwork({ chatModel: slowChatModel() });
    const server = await startServer({ groundwork: gw, port: 0, host: '127.0.0.1', server: { auth: false }, log: (line) => lines.push(line) });
    try {
      const controller = new AbortController();
      const res = await fetch(`${server.url}/v1/ask`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ question: 'How long is the drill warranty?', tenant: 'acme', stream: true }),
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('word0')) text += new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      for (let i = 0; i < 100 && lines.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ route: '/v1/ask', status: 499, errorCode: 'CLIENT_CLOSED', interrupted: true });
    } finally {
      await server.close();
    }
  }, 120_000);
});
