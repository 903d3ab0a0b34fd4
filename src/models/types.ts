/**
 * Model interfaces shared by every stage. Plain types with capability fields; implementations are
 * built by factory functions (createLocalEmbedder, createOpenAIEmbedder, ...).
 */
import type { PrecisionParity } from './local-precision-parity.js';

/** Per-call options of an embedding call. */
export interface EmbedOptions {
  /**
   * Stops the call: checked before each batch and between batches (and passed to the provider's
   * HTTP request where the SDK takes one); an aborted call rejects with the signal's reason or a
   * ProviderError saying the caller aborted it.
   */
  signal?: AbortSignal;
}

/**
 * Turns texts into L2-normalized vectors. The members are the ones callers use: identity
 * (id, revision, dimensions) binds an index to its embedder; the limits (maxInputTokens,
 * maxBatchSize) size chunks and batches; countTokens (when the model's tokenizer is known) counts
 * exactly; truncatedCount feeds the ingest summary. Prefixes and pooling are the model's business
 * (LocalEmbedder exposes them).
 */
export interface Embedder {
  /** Stable identity, e.g. `local:Xenova/all-MiniLM-L6-v2` or `openai:text-embedding-3-small`. */
  readonly id: string;
  /** Model revision (file sha256 prefix for local models, provider version string otherwise). */
  readonly revision: string;
  readonly dimensions: number;
  /** Longest input in the model's own tokens, special tokens and prefixes included. */
  readonly maxInputTokens: number;
  /** Inputs per provider call (or forward pass); embedDocuments batches longer lists itself. */
  readonly maxBatchSize: number;
  /** Counts tokens exactly as the model would see a document (prefix and special tokens included), when known. */
  countTokens?(text: string): number;
  /** Embeds passages (the model's document prefix applied). */
  embedDocuments(texts: string[], options?: EmbedOptions): Promise<Float32Array[]>;
  /** Embeds a query (the model's query prefix or instruction applied). */
  embedQuery(text: string, options?: EmbedOptions): Promise<Float32Array>;
  /** Inputs truncated at maxInputTokens so far, when the embedder can tell (chunking should keep this at 0). */
  readonly truncatedCount?: number;
  /** Numeric precision of the weights (local models: fp32, q8), recorded in the index's binding. */
  readonly dtype?: string;
  /**
   * Compares this embedder's vectors with the same model's at another precision (local models):
   * a query embedded at this precision may search an index built at `dtype` only when compatible.
   */
  parityWith?(dtype: string): Promise<PrecisionParity>;
  close?(): Promise<void>;
}

/** Scores (query, passage) pairs; higher is more relevant. */
export interface Reranker {
  readonly id: string;
  readonly maxBatchSize: number;
  rerank(query: string, passages: string[]): Promise<number[]>;
  close?(): Promise<void>;
}

export { zeroUsage } from './chat/chat-model.js';
export type { ChatMessage, ChatModel, GenerateRequest, GenerateResult, StreamEvent, ToolCall, ToolDefinition, Usage } from './chat/chat-model.js';
