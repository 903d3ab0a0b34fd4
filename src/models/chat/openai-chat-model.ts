import type { AIMessage, AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import { ConfigError } from '../../errors.js';
import { asProviderFailure } from '../provider-error.js';
import { DEFAULT_PROVIDER_TIMEOUT_MS } from './chat-defaults.js';
import type { ChatMessage, ChatModel, GenerateRequest, GenerateResult, StreamEvent, ToolCall, ToolDefinition, Usage } from './chat-model.js';

/**
 * Context windows of OpenAI models (platform.openai.com/docs/models), longest prefix wins. Servers
 * such as vLLM, llama.cpp or Ollama serve other models: pass `contextWindow` for them.
 */
export const OPENAI_CONTEXT_WINDOWS: ReadonlyArray<readonly [prefix: string, tokens: number]> = [
  ['gpt-5', 400_000],
  ['gpt-4.1', 1_047_576],
  ['gpt-4o', 128_000],
  ['gpt-4-turbo', 128_000],
  ['gpt-4', 8_192],
  ['gpt-3.5-turbo', 16_385],
  ['o1', 200_000],
  ['o3', 200_000],
  ['o4', 200_000],
];
/** Window assumed for an unknown model: 8k, what llama.cpp server and Ollama commonly run with. */
export const DEFAULT_UNKNOWN_CONTEXT_WINDOW = 8_192;

/** Settings of createOpenAIChatModel. */
export interface OpenAIChatModelOptions {
  model: string;
  /** Base URL of the API, e.g. http://localhost:8000/v1 (vLLM), http://localhost:11434/v1 (Ollama). */
  baseUrl?: string;
  /**
   * API key; default OPENAI_API_KEY. A local OpenAI-compatible server that checks no key accepts any
   * value: pass `apiKey: 'none'` (it is sent, and ignored by the server).
   */
  apiKey?: string;
  contextWindow?: number;
  timeoutMs?: number;
  /** Whether the served model does tool calling (default true). */
  supportsTools?: boolean;
  /** Environment to read OPENAI_API_KEY from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

function contextWindowOf(model: string): number {
  const match = OPENAI_CONTEXT_WINDOWS.filter(([prefix]) => model.startsWith(prefix)).sort((a, b) => b[0].length - a[0].length)[0];
  return match ? match[1] : DEFAULT_UNKNOWN_CONTEXT_WINDOW;
}

/** LangChain's message classes and ChatOpenAI, imported (~0.6 s) at a process's first OpenAI call. */
type LangChain = { messages: typeof import('@langchain/core/messages'); openai: typeof import('@langchain/openai') };
let langChain: Promise<LangChain> | undefined;
function loadLangChain(): Promise<LangChain> {
  return (langChain ??= Promise.all([import('@langchain/core/messages'), import('@langchain/openai')]).then(([messages, openai]) => ({ messages, openai })));
}

function toLangChain({ AIMessage, HumanMessage, SystemMessage }: LangChain['messages'], messages: readonly ChatMessage[]): BaseMessage[] {
  return messages.map((message) => {
    if (message.role === 'system') return new SystemMessage(message.content);
    if (message.role === 'assistant') return new AIMessage(message.content);
    return new HumanMessage(message.content);
  });
}

function toOpenAITool(tool: ToolDefinition) {
  return { type: 'function' as const, function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (typeof part === 'string' ? part : part?.type === 'text' ? String(part.text ?? '') : '')).join('');
}

function usageOf(message: AIMessage | AIMessageChunk | undefined): Usage {
  const usage = message?.usage_metadata;
  return {
    inputTokens: usage?.input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    cachedInputTokens: usage?.input_token_details?.cache_read ?? 0,
  };
}

function toolCallsOf(message: AIMessage | AIMessageChunk): ToolCall[] | undefined {
  const raw = message.additional_kwargs?.tool_calls as Array<{ function?: { name?: string; arguments?: string } }> | undefined;
  if (raw && raw.length > 0) return raw.map((call) => ({ name: call.function?.name ?? '', arguments: call.function?.arguments ?? '' }));
  const chunks = (message as AIMessageChunk).tool_call_chunks;
  if (chunks && chunks.length > 0) return chunks.map((chunk) => ({ name: chunk.name ?? '', arguments: chunk.args ?? '' }));
  if (message.tool_calls && message.tool_calls.length > 0) {
    return message.tool_calls.map((call) => ({ name: call.name, arguments: JSON.stringify(call.args) }));
  }
  return undefined;
}

/**
 * A ChatModel for OpenAI and any OpenAI-compatible server (vLLM, llama.cpp server, Ollama), through
 * LangChain's ChatOpenAI on the Chat Completions API. The API key comes from `apiKey`, then
 * OPENAI_API_KEY. No retries here: errors are ProviderErrors carrying `isRetryable` and
 * `retryAfterMs`, and the router's resilience policy decides.
 * @example createOpenAIChatModel({ model: 'llama3.1', baseUrl: 'http://localhost:11434/v1', apiKey: 'none', contextWindow: 8192 })
 */
export function createOpenAIChatModel(options: OpenAIChatModelOptions): ChatModel {
  const { model } = options;
  if (!model) throw new ConfigError('generate.model', model, 'an OpenAI model name');
  const env = options.env ?? process.env;
  const apiKey = options.apiKey ?? env.OPENAI_API_KEY;
  if (!apiKey) {
    throw new ConfigError('openai.apiKey', apiKey, "an API key: pass apiKey or set OPENAI_API_KEY (a local server without auth: apiKey 'none')");
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
  const url = `${(options.baseUrl ?? 'https://api.openai.com/v1').replace(/\/$/, '')}/chat/completions`;
  const client = ({ ChatOpenAI }: LangChain['openai'], request: GenerateRequest) =>
    new ChatOpenAI({
      model,
      apiKey,
      configuration: options.baseUrl ? { baseURL: options.baseUrl } : undefined,
      maxRetries: 0,
      timeout: timeoutMs,
      maxTokens: request.maxTokens,
      temperature: request.temperature,
      streamUsage: true,
    });
  const callOptions = (request: GenerateRequest) => ({
    signal: request.signal,
    ...(request.tools && request.tools.length > 0 ? { tools: request.tools.map(toOpenAITool) } : {}),
  });
  const context = (request: GenerateRequest) => ({ provider: 'openai', model, url, timeoutMs, signal: request.signal });

  return {
    id: `openai:${model}`,
    provider: 'openai',
    contextWindow: options.contextWindow ?? contextWindowOf(model),
    supportsTools: options.supportsTools ?? true,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      let message: AIMessage;
      const lc = await loadLangChain();
      try {
        message = await client(lc.openai, request).invoke(toLangChain(lc.messages, request.messages), callOptions(request));
      } catch (error) {
        throw asProviderFailure(error, context(request));
      }
      return {
        text: textOf(message.content),
        usage: usageOf(message),
        model: String(message.response_metadata?.model_name ?? model),
        toolCalls: toolCallsOf(message),
        finishReason: message.response_metadata?.finish_reason as string | undefined,
      };
    },
    async *stream(request: GenerateRequest): AsyncIterable<StreamEvent> {
      let aggregate: AIMessageChunk | undefined;
      let text = '';
      const lc = await loadLangChain();
      try {
        const stream = await client(lc.openai, request).stream(toLangChain(lc.messages, request.messages), callOptions(request));
        for await (const chunk of stream) {
          aggregate = aggregate ? aggregate.concat(chunk) : chunk;
          const piece = textOf(chunk.content);
          if (piece.length > 0) {
            text += piece;
            yield { type: 'token', text: piece };
          }
        }
      } catch (error) {
        throw asProviderFailure(error, context(request));
      }
      yield {
        type: 'done',
        result: {
          text,
          usage: usageOf(aggregate),
          model: String(aggregate?.response_metadata?.model_name ?? model),
          toolCalls: aggregate ? toolCallsOf(aggregate) : undefined,
          finishReason: aggregate?.response_metadata?.finish_reason as string | undefined,
        },
      };
    },
  };
}
