/**
 * Model interfaces shared by every stage. Plain types with capability fields; implementations are
 * built by factory functions (createLocalEmbedder, createOpenAIEmbedder, ...).
 */

/** Turns texts into L2-normalized vectors. */
export interface Embedder {
  /** Stable identity, e.g. `local:Xenova/all-MiniLM-L6-v2` or `openai:text-embedding-3-small`. */
  readonly id: string;
  /** Model revision (file sha256 prefix for local models, provider version string otherwise). */
  readonly revision: string;
  readonly dimensions: number;
  /** Longest input in the model's own tokens, special tokens and prefixes included. */
  readonly maxInputTokens: number;
  readonly maxBatchSize: number;
  /** Passage prefix the model family expects (e5: "passage: "), already applied by embedDocuments. */
  readonly documentPrefix?: string;
  /** Query prefix or instruction (e5: "query: ", bge: "Represent this sentence ..."), applied by embedQuery. */
  readonly queryPrefix?: string;
  /** Counts tokens exactly as the model would see the text (prefix and special tokens included), when known. */
  countTokens?(text: string): number;
  embedDocuments(texts: string[]): Promise<Float32Array[]>;
  embedQuery(text: string): Promise<Float32Array>;
  /** Number of inputs truncated at maxInputTokens so far (chunking should keep this at 0). */
  readonly truncatedCount?: number;
  close?(): Promise<void>;
}

/** Scores (query, passage) pairs; higher is more relevant. */
export interface Reranker {
  readonly id: string;
  readonly maxBatchSize: number;
  rerank(query: string, passages: string[]): Promise<number[]>;
  close?(): Promise<void>;
}

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
