import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake server received it; `body` is the parsed JSON. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A scripted failure or delay, common to both fake providers. */
export interface ScriptedBehaviour {
  /** HTTP status to fail with (the provider's JSON error body is sent). */
  status?: number;
  /** Extra response headers, e.g. `{ 'retry-after': '7' }`. */
  headers?: Record<string, string>;
  /** Wait before sending anything (to trigger client timeouts). */
  delayMs?: number;
  /** Wait between streamed events. */
  eventDelayMs?: number;
}

/** A local HTTP server that records every request and answers from a script. */
export interface RecordingServer<Reply> {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  origin: string;
  requests: RecordedRequest[];
  /** Queue replies; each request takes the next one (then `respond`, then a 500 naming the gap). */
  enqueue(...replies: Reply[]): void;
  close(): Promise<void>;
}

type Handler<Reply> = (request: RecordedRequest, reply: Reply | undefined, response: ServerResponse) => Promise<void>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one server-sent event (`event:` line only when named). */
export function writeEvent(response: ServerResponse, data: unknown, event?: string): void {
  response.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

/** Waits `ms` unless the client went away; returns false when it did. */
export async function pause(response: ServerResponse, ms: number | undefined): Promise<boolean> {
  if (ms) await sleep(ms);
  return !response.destroyed && !response.writableEnded;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** Starts a recording server on 127.0.0.1 with a random port; the handler writes the replies. */
export async function startRecordingServer<Reply>(handler: Handler<Reply>, respond?: (request: RecordedRequest) => Reply): Promise<RecordingServer<Reply>> {
  const requests: RecordedRequest[] = [];
  const queue: Reply[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const text = await readBody(request);
      let body: unknown = text;
      try {
        body = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        // keep the raw text: tests can assert on malformed bodies too
      }
      const recorded: RecordedRequest = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body };
      requests.push(recorded);
      const reply = queue.length > 0 ? queue.shift() : respond?.(recorded);
      await handler(recorded, reply, response);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `fake server failure: ${String(error)}` } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A scripted Chat Completions reply. */
export interface FakeOpenAIReply extends ScriptedBehaviour {
  text?: string;
  toolCalls?: Array<{ name: string; arguments: string }>;
  usage?: { promptTokens: number; completionTokens: number; cachedTokens?: number };
  finishReason?: string;
  model?: string;
  /** Error message for `status` replies. */
  errorMessage?: string;
}

export interface FakeOpenAIServer extends RecordingServer<FakeOpenAIReply> {
  /** Base URL with /v1, as OpenAI clients expect. */
  baseUrl: string;
}

const DEFAULT_USAGE = { promptTokens: 11, completionTokens: 7, cachedTokens: 0 };

function usageJson(usage: FakeOpenAIReply['usage'] = DEFAULT_USAGE) {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  };
}

function toolCallsJson(reply: FakeOpenAIReply) {
  return reply.toolCalls?.map((call, index) => ({ id: `call_${index}`, type: 'function', function: { name: call.name, arguments: call.arguments } }));
}

/** Splits text into stream deltas: words with their trailing space. */
export function streamPieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? [];
}

/**
 * A local server speaking OpenAI's Chat Completions wire format (POST /v1/chat/completions), plain
 * JSON and SSE streaming with the final usage chunk (`stream_options.include_usage`), tool calls,
 * `prompt_tokens_details.cached_tokens`, error bodies with Retry-After, and delays.
 */
export async function startFakeOpenAIServer(options: { respond?: (request: RecordedRequest) => FakeOpenAIReply } = {}): Promise<FakeOpenAIServer> {
  const server = await startRecordingServer<FakeOpenAIReply>(async (request, reply, response) => {
    if (request.method !== 'POST' || !request.path.endsWith('/chat/completions')) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `no route ${request.method} ${request.path}`, type: 'invalid_request_error' } }));
      return;
    }
    const script = reply ?? { status: 500, errorMessage: 'fake server: no scripted reply left' };
    if (!(await pause(response, script.delayMs))) return;
    if (script.status && script.status >= 400) {
      response.writeHead(script.status, { 'content-type': 'application/json', ...script.headers });
      response.end(JSON.stringify({ error: { message: script.errorMessage ?? `scripted ${script.status}`, type: 'server_error', code: null } }));
      return;
    }
    const model = script.model ?? request.body?.model ?? 'fake-model';
    const id = `chatcmpl-${request.body?.messages?.length ?? 0}`;
    const created = 1_700_000_000;
    const finishReason = script.finishReason ?? (script.toolCalls ? 'tool_calls' : 'stop');
    if (!request.body?.stream) {
      response.writeHead(200, { 'content-type': 'application/json', ...script.headers });
      response.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: script.text ?? null, tool_calls: toolCallsJson(script), refusal: null }, finish_reason: finishReason, logprobs: null }],
          usage: usageJson(script.usage),
        }),
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...script.headers });
    const chunk = (delta: unknown, finish: string | null = null) => ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });
    writeEvent(response, chunk({ role: 'assistant', content: '' }));
    for (const piece of streamPieces(script.text ?? '')) {
      if (!(await pause(response, script.eventDelayMs))) return;
      writeEvent(response, chunk({ content: piece }));
    }
    for (const [index, call] of (script.toolCalls ?? []).entries()) {
      writeEvent(response, chunk({ tool_calls: [{ index, id: `call_${index}`, type: 'function', function: { name: call.name, arguments: '' } }] }));
      const half = Math.ceil(call.arguments.length / 2);
      for (const part of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
        writeEvent(response, chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
      }
    }
    writeEvent(response, chunk({}, finishReason));
    if (request.body?.stream_options?.include_usage) {
      writeEvent(response, { id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageJson(script.usage) });
    }
    writeEvent(response, '[DONE]');
    response.end();
  }, options.respond);
  return { ...server, baseUrl: `${server.origin}/v1` };
}
