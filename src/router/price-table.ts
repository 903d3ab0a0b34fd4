/**
 * Shipped model price table: the price rows of every registered provider (chat, embedder,
 * reranker), in list order. Each provider module owns its rows (src/models/chat/*-chat-provider.ts,
 * src/models/providers/*-provider.ts), with the date and sources in src/models/model-price.ts.
 * Prices change: override or extend any entry through the router config (`router.models`).
 */
import { CHAT_PROVIDERS } from '../models/chat/chat-providers.js';
import type { ModelInfo } from '../models/model-price.js';
import { providerPrices } from '../models/provider.js';
import { EMBEDDER_PROVIDERS } from '../models/providers/embedder-providers.js';
import { RERANKER_PROVIDERS } from '../models/providers/reranker-providers.js';

export { PRICE_TABLE_DATE, type ModelInfo, type ModelKind, type ModelTier } from '../models/model-price.js';

/** The shipped table (see src/models/model-price.ts for the date and sources). */
export const PRICE_TABLE: readonly ModelInfo[] = providerPrices(CHAT_PROVIDERS, EMBEDDER_PROVIDERS, RERANKER_PROVIDERS);
