import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderError, parseRetryAfter } from '../../../src/errors.js';
import type { ChatModel, GenerateRequest, GenerateResult } from '../../../src/models/types.js';

/** One scripted reply of the fake provider. */
export interface ScriptedReply {
  status?: number;
  latencyMs?: number;
  retryAfter?: string;
  content?: string;
  usage?: { prompt_tokens: number; completion_tokens: number; cached_tokens?: number };
}

/**
 * A local HTTP server speaking a minimal OpenAI chat-completions wire format. Replies follow the
 * script in order (the last one repeats); every request body is recorded.
 */
export async function startFakeProvider(script: ScriptedReply[] | ((n: number) => ScriptedReply)): Promise<{ url: string; requests: unknown[]; close(): Promise<void> }> {
  const requests: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const n = requests.length;
      requests.push(JSON.parse(body || '{}'));
      const reply = typeof script === 'function' ? script(n) : script[Math.min(n, script.length - 1)];
      setTimeout(() => {
        if (res.destroyed) return;
        const status = reply.status ?? 200;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (reply.retryAfter !== undefined) headers['retry-after'] = reply.retryAfter;
        res.writeHead(status, headers);
        if (status !== 200) return res.end(JSON.stringify({ error: { message: `scripted ${status}` } }));
        const usage = reply.usage ?? { prompt_tokens: 1000, completion_tokens: 100 };
        res.end(
          JSON.stringify({
            choices: [{ message: { role: 'assistant', content: reply.content ?? 'ok' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, prompt_tokens_details: { cached_tokens: usage.cached_tokens ?? 0 } },
          }),
        );
      }, reply.latencyMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A ChatModel that calls the fake server (errors become ProviderError with Retry-After). */
export function createHttpChatModel(url: string, id: string): ChatModel {
  const provider = id.split(':')[0];
  const generate = async (request: GenerateRequest): Promise<GenerateResult> => {
    let response: Response;
    try {
      response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: id, messages: request.messages, max_tokens: request.maxTokens }),
        signal: request.signal,
      });
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      throw new ProviderError({ provider, model: id, message: `network: ${(error as Error).message}`, cause: error });
    }
    if (!response.ok) {
      throw new ProviderError({ provider, model: id, status: response.status, message: `HTTP ${response.status}`, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')), url, responseBody: await response.text() });
    }
    const json = (await response.json()) as { choices: Array<{ message: { content: string } }>; usage: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens?: number } } };
    return {
      text: json.choices[0].message.content,
      model: id,
      usage: { inputTokens: json.usage.prompt_tokens, outputTokens: json.usage.completion_tokens, cachedInputTokens: json.usage.prompt_tokens_details?.cached_tokens ?? 0 },
    };
  };
  return {
    id,
    provider,
    contextWindow: 128_000,
    supportsTools: false,
    generate,
    async *stream(request) {
      yield { type: 'done', result: await generate(request) };
    },
  };
}
