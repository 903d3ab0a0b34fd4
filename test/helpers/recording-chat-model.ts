import type { ChatModel, GenerateRequest } from '../../src/models/types.js';

/** A ChatModel that records every call and answers with a fixed text (one token per word when streaming). */
export function recordingChatModel(
  reply = 'The drill has a two year warranty [Source: Drill Warranty].',
  options: { id?: string; contextWindow?: number } = {},
): ChatModel & { calls: GenerateRequest[] } {
  const calls: GenerateRequest[] = [];
  const usage = { inputTokens: 120, outputTokens: 12, cachedInputTokens: 0 };
  return {
    id: options.id ?? 'recording:test',
    provider: 'recording',
    contextWindow: options.contextWindow ?? 16_000,
    supportsTools: false,
    calls,
    async generate(request) {
      calls.push(request);
      return { text: reply, usage, model: 'test' };
    },
    async *stream(request) {
      calls.push(request);
      for (const piece of reply.match(/\s*\S+\s*/g) ?? []) yield { type: 'token', text: piece };
      yield { type: 'done', result: { text: reply, usage, model: 'test' } };
    },
  };
}
