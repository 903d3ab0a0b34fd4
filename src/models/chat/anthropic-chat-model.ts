import type Anthropic from '@anthropic-ai/sdk';
import { ConfigError } from '../../errors.js';
import { asProviderFailure } from '../provider-error.js';
import { createTiktokenCounter } from '../tokens/tiktoken-counter.js';
import type { TokenCounter } from '../tokens/token-counter.js';
import { minCacheableTokens } from './anthropic-cache-minimums.js';
import { DEFAULT_MAX_OUTPUT_TOKENS, DEFAULT_PROVIDER_TIMEOUT_MS } from './chat-defaults.js';
import type { ChatModel, GenerateRequest, GenerateResult, StreamEvent, ToolCall, Usage } from './chat-model.js';

/** Context window of current Claude models (Anthropic model overview: 200k tokens). */
export const ANTHROPIC_CONTEXT_WINDOW = 200_000;

/** Settings of createAnthropicChatModel. */
export interface AnthropicChatModelOptions {
  model: string;
  /** API base URL (a proxy or gateway); default the SDK's (ANTHROPIC_BASE_URL or api.anthropic.com). */
  baseUrl?: string;
  /** API key; default ANTHROPIC_API_KEY. */
  apiKey?: string;
  contextWindow?: number;
  timeoutMs?: number;
  /**
   * Estimates the stable prefix length against the model's minimum cacheable length. Claude's
   * tokenizer is not public; tiktoken cl100k_base (the default, built on first need) is close.
   */
  tokenCounter?: TokenCounter;
  env?: Readonly<Record<string, string | undefined>>;
}

type SystemBlock = { type: 'text'; text: string; cache_control?: { type: 'ephemeral' } };
type ToolParam = { name: string; description: string; input_schema: Record<string, unknown>; cache_control?: { type: 'ephemeral' } };

/** Usage in groundwork's terms: inputTokens counts every prompt token, cached reads included. */
function usageOf(usage: { input_tokens?: number | null; output_tokens?: number | null; cache_read_input_tokens?: number | null; cache_creation_input_tokens?: number | null }): Usage {
  const cached = usage.cache_read_input_tokens ?? 0;
  return {
    inputTokens: (usage.input_tokens ?? 0) + cached + (usage.cache_creation_input_tokens ?? 0),
    outputTokens: usage.output_tokens ?? 0,
    cachedInputTokens: cached,
  };
}

/**
 * A ChatModel on Anthropic's Messages API through the official SDK. The stable prefix (tool
 * definitions and system prompt) is marked `cache_control: ephemeral` only when it reaches the
 * model's minimum cacheable length (per-query context rarely repeats, and cache writes cost 25%
 * more than plain input). No retries here: errors are ProviderErrors with `isRetryable` and
 * `retryAfterMs`.
 * @example createAnthropicChatModel({ model: 'claude-sonnet-4-5' })
 */
export function createAnthropicChatModel(options: AnthropicChatModelOptions): ChatModel {
  const { model } = options;
  if (!model) throw new ConfigError('generate.model', model, 'an Anthropic model name');
  const env = options.env ?? process.env;
  const apiKey = options.apiKey ?? env.ANTHROPIC_API_KEY;
  if (!apiKey) throw new ConfigError('anthropic.apiKey', apiKey, 'an API key: pass apiKey or set ANTHROPIC_API_KEY');
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
  // The SDK (~0.3 s to import) is loaded at the first call, so that processes configured for
  // Anthropic but answering from the cache, and every process not using it, never import it.
  let client: Promise<Anthropic> | undefined;
  const sdk = (): Promise<Anthropic> =>
    (client ??= import('@anthropic-ai/sdk').then(
      ({ default: AnthropicClient }) => new AnthropicClient({ apiKey, baseURL: options.baseUrl ?? env.ANTHROPIC_BASE_URL ?? null, maxRetries: 0, timeout: timeoutMs }),
    ));
  const url = `${(options.baseUrl ?? 'https://api.anthropic.com').replace(/\/$/, '')}/v1/messages`;
  const minimum = minCacheableTokens(model);
  let counter = options.tokenCounter;

  /** True when the prefix reaches the minimum; UTF-8 bytes bound tokens from above, so short prefixes skip counting. */
  const reachesMinimum = (prefix: string) => {
    if (Buffer.byteLength(prefix, 'utf8') < minimum) return false;
    counter ??= createTiktokenCounter('cl100k_base');
    return counter.count(prefix) >= minimum;
  };

  const body = (request: GenerateRequest) => {
    const system: SystemBlock[] = request.messages.filter((message) => message.role === 'system').map((message) => ({ type: 'text', text: message.content }));
    const tools: ToolParam[] | undefined = request.tools?.map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.parameters }));
    const prefix = JSON.stringify(tools ?? []) + system.map((block) => block.text).join('\n');
    // The API caches everything up to the breakpoint (tools, then system): one breakpoint at the end.
    if (reachesMinimum(prefix)) {
      if (system.length > 0) system[system.length - 1].cache_control = { type: 'ephemeral' };
      else if (tools && tools.length > 0) tools[tools.length - 1].cache_control = { type: 'ephemeral' };
    }
    return {
      model,
      max_tokens: request.maxTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(system.length > 0 ? { system } : {}),
      ...(tools && tools.length > 0 ? { tools } : {}),
      messages: request.messages
        .filter((message) => message.role !== 'system')
        .map((message) => ({ role: message.role as 'user' | 'assistant', content: message.content })),
    };
  };
  const context = (request: GenerateRequest) => ({ provider: 'anthropic', model, url, timeoutMs, signal: request.signal });

  return {
    id: `anthropic:${model}`,
    provider: 'anthropic',
    contextWindow: options.contextWindow ?? ANTHROPIC_CONTEXT_WINDOW,
    supportsTools: true,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      try {
        const message = await (await sdk()).messages.create(body(request) as Anthropic.MessageCreateParamsNonStreaming, { signal: request.signal });
        const toolCalls: ToolCall[] = [];
        let text = '';
        for (const block of message.content) {
          if (block.type === 'text') text += block.text;
          if (block.type === 'tool_use') toolCalls.push({ name: block.name, arguments: JSON.stringify(block.input) });
        }
        return {
          text,
          usage: usageOf(message.usage),
          model: message.model,
          toolCalls: toolCalls.length > 0 ? toolCalls : undefined,
          finishReason: message.stop_reason ?? undefined,
        };
      } catch (error) {
        throw asProviderFailure(error, context(request));
      }
    },
    async *stream(request: GenerateRequest): AsyncIterable<StreamEvent> {
      let text = '';
      let usage: Usage | undefined;
      let rawUsage: Parameters<typeof usageOf>[0] = {};
      let responseModel = model;
      let finishReason: string | undefined;
      const toolCalls = new Map<number, ToolCall>();
      try {
        const stream = await (await sdk()).messages.create({ ...body(request), stream: true } as Anthropic.MessageCreateParamsStreaming, { signal: request.signal });
        for await (const event of stream) {
          if (event.type === 'message_start') {
            rawUsage = { ...event.message.usage };
            responseModel = event.message.model;
          } else if (event.type === 'content_block_start' && event.content_block.type === 'tool_use') {
            toolCalls.set(event.index, { name: event.content_block.name, arguments: '' });
          } else if (event.type === 'content_block_delta') {
            if (event.delta.type === 'text_delta') {
              text += event.delta.text;
              yield { type: 'token', text: event.delta.text };
            } else if (event.delta.type === 'input_json_delta') {
              const call = toolCalls.get(event.index);
              if (call) call.arguments += event.delta.partial_json;
            }
          } else if (event.type === 'message_delta') {
            // message_delta usage is cumulative; null fields mean "unchanged".
            for (const [key, value] of Object.entries(event.usage)) {
              if (typeof value === 'number') (rawUsage as Record<string, number>)[key] = value;
            }
            finishReason = event.delta.stop_reason ?? finishReason;
          }
        }
        usage = usageOf(rawUsage);
      } catch (error) {
        throw asProviderFailure(error, context(request));
      }
      yield {
        type: 'done',
        result: { text, usage, model: responseModel, toolCalls: toolCalls.size > 0 ? [...toolCalls.values()] : undefined, finishReason },
      };
    },
  };
}
