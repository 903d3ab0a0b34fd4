import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, SystemMessage, type AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import type { ChatMessage, ChatModel, GenerateRequest, GenerateResult, StreamEvent, Usage } from '../models/types.js';

/** A context window to assume when the caller gives none: the smallest of today's common chat models. */
const DEFAULT_CONTEXT_WINDOW = 8_192;

export interface ChatModelFromLangChainOptions {
  /** groundwork's id for the model (price table, ledger, cache scope), e.g. `langchain:gpt-4o-mini`. Default `langchain:<model name>`. */
  id?: string;
  contextWindow?: number;
}

function toLangChainMessages(messages: readonly ChatMessage[]): BaseMessage[] {
  return messages.map((m) => (m.role === 'system' ? new SystemMessage(m.content) : m.role === 'assistant' ? new AIMessage(m.content) : new HumanMessage(m.content)));
}

function usageOf(message: Pick<AIMessage, 'usage_metadata'> | undefined): Usage {
  const usage = message?.usage_metadata;
  return { inputTokens: usage?.input_tokens ?? 0, outputTokens: usage?.output_tokens ?? 0, cachedInputTokens: usage?.input_token_details?.cache_read ?? 0 };
}

/**
 * A LangChain chat model (ChatOpenAI, ChatAnthropic, ChatOllama ...) as groundwork's `chatModel`
 * plug-in. The request's messages go through `invoke`/`stream` with its abort signal; output
 * length and temperature are the LangChain model's own settings (set them when you build it), and
 * tool calling is not passed through (`supportsTools: false`).
 * @example const gw = await createGroundwork({ chatModel: chatModelFromLangChain(new ChatOpenAI({ model: 'gpt-4o-mini' }), { contextWindow: 128_000 }) });
 */
export function chatModelFromLangChain(model: BaseChatModel, options: ChatModelFromLangChainOptions = {}): ChatModel {
  const name = (model as { model?: string; modelName?: string }).model ?? (model as { modelName?: string }).modelName ?? model.getName();
  const id = options.id ?? `langchain:${name}`;
  return {
    id,
    provider: 'langchain',
    contextWindow: options.contextWindow ?? DEFAULT_CONTEXT_WINDOW,
    supportsTools: false,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const message = await model.invoke(toLangChainMessages(request.messages), { signal: request.signal });
      return { text: message.text, usage: usageOf(message), model: name, finishReason: (message.response_metadata?.finish_reason as string | undefined) ?? 'stop' };
    },
    async *stream(request: GenerateRequest): AsyncIterable<StreamEvent> {
      let whole: AIMessageChunk | undefined;
      for await (const chunk of await model.stream(toLangChainMessages(request.messages), { signal: request.signal })) {
        whole = whole ? whole.concat(chunk) : chunk;
        const text = chunk.text;
        if (text) yield { type: 'token', text };
      }
      yield { type: 'done', result: { text: whole?.text ?? '', usage: usageOf(whole), model: name, finishReason: 'stop' } };
    },
  };
}
