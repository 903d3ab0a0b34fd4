/**
 * Prices and capabilities of one model, as each provider module ships them (the router's price
 * table is the concatenation of every registered provider's rows; see src/router/price-table.ts).
 */

/**
 * The date the shipped prices were read, from the providers' public pages:
 * - OpenAI: https://openai.com/api/pricing and https://platform.openai.com/docs/pricing
 * - Anthropic: https://www.anthropic.com/pricing#api and https://docs.anthropic.com/en/docs/about-claude/pricing
 *   (cached input = prompt-cache read price)
 * - Cohere: https://cohere.com/pricing (rerank is billed per search: $2.00 per 1,000 searches)
 * Local models (the extractive answerer, Transformers.js embedders and rerankers) cost $0 in API fees.
 * Prices change: override or extend any entry through the router config (`router.models`).
 */
export const PRICE_TABLE_DATE = '2025-10-01';

/** A quality tier used by the rule-based success predictor and the cascade order. */
export type ModelTier = 'small' | 'medium' | 'large';

/** What a model does: chat (generation), embedding or rerank. */
export type ModelKind = 'chat' | 'embedding' | 'rerank';

/** One priced model. Prices are US dollars per million tokens. */
export interface ModelInfo {
  /** Same id as the ChatModel / Embedder / Reranker: `provider:model`. */
  id: string;
  provider: string;
  kind: ModelKind;
  inputPerMillion: number;
  outputPerMillion: number;
  cachedInputPerMillion: number;
  /** Flat price per call (Cohere rerank bills per search), US dollars. */
  perCallUsd: number;
  contextWindow: number;
  tier: ModelTier;
}

/** A chat model's row: prices per million tokens (input, cached input, output). */
export function chatPrice(id: string, inputPerMillion: number, cachedInputPerMillion: number, outputPerMillion: number, contextWindow: number, tier: ModelTier): ModelInfo {
  return { id, provider: id.split(':')[0]!, kind: 'chat', inputPerMillion, outputPerMillion, cachedInputPerMillion, perCallUsd: 0, contextWindow, tier };
}

/** An embedding model's row: input price per million tokens (embeddings have no output tokens). */
export function embeddingPrice(id: string, inputPerMillion: number, contextWindow: number): ModelInfo {
  return { id, provider: id.split(':')[0]!, kind: 'embedding', inputPerMillion, outputPerMillion: 0, cachedInputPerMillion: inputPerMillion, perCallUsd: 0, contextWindow, tier: 'small' };
}

/** A rerank model's row: billed per call (search), not per token. */
export function rerankPrice(id: string, perCallUsd: number, contextWindow: number): ModelInfo {
  return { ...embeddingPrice(id, 0, contextWindow), kind: 'rerank', perCallUsd };
}
