import { ConfigError } from '../../errors.js';
import type { Embedder } from '../types.js';
import type { TokenCounter } from './token-counter.js';
import { type TokenizedText, type TokenizingCounter } from './tokenized-text.js';
import type { TiktokenCounter } from './tiktoken-counter.js';

/**
 * Counts tokens with the embedder's own tokenizer (`Embedder.countTokens`, which includes the
 * model's special tokens and passage prefix). The embedder gives counts, not offsets, so `tokenize`
 * plans with a tiktoken proxy scaled to the embedder's count of the whole document; such estimates
 * are marked inexact and chunkers verify every chunk with `count` before emitting it.
 */
export function createEmbedderTokenCounter(embedder: Embedder, proxy: TiktokenCounter): TokenCounter & TokenizingCounter {
  const countTokens = embedder.countTokens?.bind(embedder);
  if (!countTokens) {
    throw new ConfigError('embedder.countTokens', undefined, `a tokenizer on embedder ${embedder.id} (it has none)`);
  }
  // Special tokens and prefix: what the model sees for an empty passage.
  const overhead = countTokens('');
  const tokenize = (text: string): TokenizedText => {
    const planning = proxy.tokenize(text);
    const proxyTotal = planning.tokenEnds.length;
    const total = countTokens(text) - overhead;
    // Ratio of model tokens to proxy tokens on this document, never below 1 so estimates err high.
    const ratio = proxyTotal === 0 ? 1 : Math.max(1, total / proxyTotal);
    return {
      text,
      tokenEnds: planning.tokenEnds,
      exact: false,
      overhead,
      countSpan: (start, end) => (end <= start ? overhead : overhead + Math.ceil(planning.countSpan(start, end) * ratio)),
    };
  };
  return { name: `embedder:${embedder.id}`, count: countTokens, tokenize };
}
