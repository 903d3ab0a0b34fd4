import type { EmbedOptions, Embedder } from '../models/types.js';
import type { Clock } from './clock.js';
import type { CostLedger } from './cost-ledger.js';
import type { ModelInfo } from './price-table.js';
import { costOfUsage, estimateTokens } from './usage-cost.js';

/**
 * Wraps an embedder so every call lands in the cost ledger (route `embed`). Tokens come from
 * embedder.countTokens when it has one, else the 4-characters estimate.
 */
export function meterEmbedder(embedder: Embedder, deps: { ledger: CostLedger; price: ModelInfo; tenant: string; requestId: () => string; clock: Clock }): Embedder {
  const count = (texts: string[]) => texts.reduce((sum, text) => sum + (embedder.countTokens ? embedder.countTokens(text) : estimateTokens(text)), 0);
  const metered = async <T>(texts: string[], fn: () => Promise<T>): Promise<T> => {
    const started = deps.clock.now();
    const usage = { inputTokens: count(texts), outputTokens: 0, cachedInputTokens: 0 };
    const entry = {
      tenant: deps.tenant,
      requestId: deps.requestId(),
      route: 'embed',
      kind: 'embedding' as const,
      model: embedder.id,
      provider: deps.price.provider,
      outputTokens: 0,
      cachedInputTokens: 0,
      cacheHit: false,
    };
    try {
      const result = await fn();
      await deps.ledger.record({ ...entry, at: new Date(started), inputTokens: usage.inputTokens, costUsd: costOfUsage(deps.price, usage), latencyMs: deps.clock.now() - started, outcome: 'ok' });
      return result;
    } catch (error) {
      await deps.ledger.record({ ...entry, at: new Date(started), inputTokens: 0, costUsd: 0, latencyMs: deps.clock.now() - started, outcome: 'error' });
      throw error;
    }
  };
  return Object.freeze({
    ...embedder,
    countTokens: embedder.countTokens?.bind(embedder),
    embedDocuments: (texts: string[], options?: EmbedOptions) => metered(texts, () => embedder.embedDocuments(texts, options)),
    embedQuery: (text: string, options?: EmbedOptions) => metered([text], () => embedder.embedQuery(text, options)),
    close: embedder.close?.bind(embedder),
  });
}
