import {
  pause,
  startRecordingServer,
  streamPieces,
  writeEvent,
  type RecordedRequest,
  type RecordingServer,
  type ScriptedBehaviour,
} from './fake-openai-server.js';

/** A scripted Messages API reply. */
export interface FakeAnthropicReply extends ScriptedBehaviour {
  text?: string;
  toolCalls?: Array<{ name: string; input: Record<string, unknown> }>;
  usage?: { inputTokens: number; outputTokens: number; cacheReadInputTokens?: number; cacheCreationInputTokens?: number };
  stopReason?: string;
  model?: string;
  errorType?: string;
  errorMessage?: string;
}

export type FakeAnthropicServer = RecordingServer<FakeAnthropicReply>;

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function usageJson(reply: FakeAnthropicReply) {
  const usage = reply.usage ?? { inputTokens: 13, outputTokens: 5 };
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheCreationInputTokens ?? 0,
    cache_read_input_tokens: usage.cacheReadInputTokens ?? 0,
  };
}

/**
 * A local server speaking Anthropic's Messages API wire format (POST /v1/messages): JSON replies and
 * SSE streams (message_start, content_block_*, ping, message_delta, message_stop) with usage that
 * includes cache reads and writes, tool_use blocks, error bodies with Retry-After, and delays.
 */
export async function startFakeAnthropicServer(options: { respond?: (request: RecordedRequest) => FakeAnthropicReply } = {}): Promise<FakeAnthropicServer> {
  return startRecordingServer<FakeAnthropicReply>(async (request, reply, response) => {
    if (request.method !== 'POST' || request.path.split('?')[0] !== '/v1/messages') {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `no route ${request.method} ${request.path}` } }));
      return;
    }
    const script = reply ?? { status: 500, errorMessage: 'fake server: no scripted reply left' };
    if (!(await pause(response, script.delayMs))) return;
    if (script.status && script.status >= 400) {
      response.writeHead(script.status, { 'content-type': 'application/json', 'request-id': 'req_fake', ...script.headers });
      const type = script.errorType ?? ERROR_TYPES[script.status] ?? 'api_error';
      response.end(JSON.stringify({ type: 'error', error: { type, message: script.errorMessage ?? `scripted ${script.status}` } }));
      return;
    }
    const model = script.model ?? request.body?.model ?? 'claude-fake';
    const stopReason = script.stopReason ?? (script.toolCalls ? 'tool_use' : 'end_turn');
    const usage = usageJson(script);
    const toolBlocks = (script.toolCalls ?? []).map((call, index) => ({ type: 'tool_use', id: `toolu_${index}`, name: call.name, input: call.input }));
    if (!request.body?.stream) {
      response.writeHead(200, { 'content-type': 'application/json', ...script.headers });
      response.end(
        JSON.stringify({
          id: 'msg_fake',
          type: 'message',
          role: 'assistant',
          model,
          content: [...(script.text === undefined ? [] : [{ type: 'text', text: script.text }]), ...toolBlocks],
          stop_reason: stopReason,
          stop_sequence: null,
          usage,
        }),
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...script.headers });
    const send = (data: { type: string }) => writeEvent(response, data, data.type);
    send({
      type: 'message_start',
      message: { id: 'msg_fake', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
    } as { type: string });
    let index = 0;
    if (script.text !== undefined) {
      send({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } } as { type: string });
      send({ type: 'ping' });
      for (const piece of streamPieces(script.text)) {
        if (!(await pause(response, script.eventDelayMs))) return;
        send({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } } as { type: string });
      }
      send({ type: 'content_block_stop', index } as { type: string });
      index++;
    }
    for (const block of toolBlocks) {
      send({ type: 'content_block_start', index, content_block: { ...block, input: {} } } as { type: string });
      const json = JSON.stringify(block.input);
      const half = Math.ceil(json.length / 2);
      for (const part of [json.slice(0, half), json.slice(half)]) {
        send({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } } as { type: string });
      }
      send({ type: 'content_block_stop', index } as { type: string });
      index++;
    }
    send({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } } as { type: string });
    send({ type: 'message_stop' });
    response.end();
  }, options.respond);
}
