/** The ChatModel port and its request and result types; the adapters live beside it in this folder. */

/** Token usage of one model call. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache (billed at the cached-input price). */
  cachedInputTokens: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  /** Marks a stable prefix as cacheable where the provider supports prompt caching (Anthropic). */
  cacheable?: boolean;
}

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON schema of the arguments. */
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  name: string;
  /** Raw JSON text of the arguments, exactly as the model produced it: validate before use. */
  arguments: string;
}

export interface GenerateRequest {
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  tools?: ToolDefinition[];
  signal?: AbortSignal;
}

export interface GenerateResult {
  text: string;
  usage: Usage;
  model: string;
  toolCalls?: ToolCall[];
  finishReason?: string;
}

export type StreamEvent = { type: 'token'; text: string } | { type: 'done'; result: GenerateResult };

/** A chat model: OpenAI-compatible, Anthropic, or the extractive local answerer. */
export interface ChatModel {
  /** e.g. `openai:gpt-4o-mini`, `anthropic:claude-haiku-4-5`, `extractive`. */
  readonly id: string;
  readonly provider: string;
  readonly contextWindow: number;
  readonly supportsTools: boolean;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  stream(request: GenerateRequest): AsyncIterable<StreamEvent>;
}

export const zeroUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 });
