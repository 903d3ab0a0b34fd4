/**
 * Shipped model price table.
 *
 * Prices as of 2025-10-01, in US dollars per million tokens, from the providers' public pages:
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

const chat = (
  id: string,
  inputPerMillion: number,
  cachedInputPerMillion: number,
  outputPerMillion: number,
  contextWindow: number,
  tier: ModelTier,
): ModelInfo => ({ id, provider: id.split(':')[0], kind: 'chat', inputPerMillion, outputPerMillion, cachedInputPerMillion, perCallUsd: 0, contextWindow, tier });

const embedding = (id: string, inputPerMillion: number, contextWindow: number): ModelInfo => ({
  id,
  provider: id.split(':')[0],
  kind: 'embedding',
  inputPerMillion,
  outputPerMillion: 0,
  cachedInputPerMillion: inputPerMillion,
  perCallUsd: 0,
  contextWindow,
  tier: 'small',
});

/** Cohere rerank: $2.00 per 1,000 searches (one query with up to 100 documents). */
const COHERE_RERANK_PER_SEARCH_USD = 2.0 / 1000;

/** The shipped table (see the file comment for date and sources). */
export const PRICE_TABLE: readonly ModelInfo[] = Object.freeze([
  // OpenAI chat
  chat('openai:gpt-5', 1.25, 0.125, 10.0, 400_000, 'large'),
  chat('openai:gpt-5-mini', 0.25, 0.025, 2.0, 400_000, 'medium'),
  chat('openai:gpt-5-nano', 0.05, 0.005, 0.4, 400_000, 'small'),
  chat('openai:gpt-4.1', 2.0, 0.5, 8.0, 1_047_576, 'large'),
  chat('openai:gpt-4.1-mini', 0.4, 0.1, 1.6, 1_047_576, 'medium'),
  chat('openai:gpt-4.1-nano', 0.1, 0.025, 0.4, 1_047_576, 'small'),
  chat('openai:gpt-4o', 2.5, 1.25, 10.0, 128_000, 'large'),
  chat('openai:gpt-4o-mini', 0.15, 0.075, 0.6, 128_000, 'small'),
  // OpenAI embeddings
  embedding('openai:text-embedding-3-small', 0.02, 8191),
  embedding('openai:text-embedding-3-large', 0.13, 8191),
  // Anthropic chat (cached input = cache read)
  chat('anthropic:claude-opus-4-1', 15.0, 1.5, 75.0, 200_000, 'large'),
  chat('anthropic:claude-sonnet-4-5', 3.0, 0.3, 15.0, 200_000, 'large'),
  chat('anthropic:claude-haiku-4-5', 1.0, 0.1, 5.0, 200_000, 'small'),
  chat('anthropic:claude-3-5-haiku', 0.8, 0.08, 4.0, 200_000, 'small'),
  // Cohere embed and rerank
  embedding('cohere:embed-v4.0', 0.12, 128_000),
  embedding('cohere:embed-english-v3.0', 0.1, 512),
  embedding('cohere:embed-multilingual-v3.0', 0.1, 512),
  { ...embedding('cohere:rerank-v3.5', 0, 4096), kind: 'rerank', perCallUsd: COHERE_RERANK_PER_SEARCH_USD },
  // Local: $0
  { ...chat('extractive', 0, 0, 0, 1_000_000, 'small'), provider: 'local' },
  embedding('local:Xenova/all-MiniLM-L6-v2', 0, 256),
  embedding('local:Xenova/bge-small-en-v1.5', 0, 512),
  embedding('local:Xenova/multilingual-e5-small', 0, 512),
]);
