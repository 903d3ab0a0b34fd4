import type { Embedder } from '../types.js';
import type { TokenCounter } from './token-counter.js';
import { createEmbedderTokenCounter } from './embedder-token-counter.js';
import { createTiktokenCounter, type TiktokenEncodingName } from './tiktoken-counter.js';

/**
 * Picks the token counter for chunk sizes: the embedder's own tokenizer when it has one (unless a
 * tiktoken encoding is named explicitly), else tiktoken `fallbackEncoding`. `source` says which.
 */
export function resolveTokenCounter(args: {
  embedder?: Embedder;
  /** 'auto' = the embedder's tokenizer when known, else cl100k_base. */
  tokenizer?: 'auto' | TiktokenEncodingName;
}): { counter: TokenCounter; source: 'embedder' | 'tiktoken' } {
  const tokenizer = args.tokenizer ?? 'auto';
  const encoding: TiktokenEncodingName = tokenizer === 'auto' ? 'cl100k_base' : tokenizer;
  const tiktoken = createTiktokenCounter(encoding);
  if (tokenizer === 'auto' && args.embedder?.countTokens) {
    return { counter: createEmbedderTokenCounter(args.embedder, tiktoken), source: 'embedder' };
  }
  return { counter: tiktoken, source: 'tiktoken' };
}
