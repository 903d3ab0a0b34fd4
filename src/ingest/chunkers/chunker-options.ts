import { ConfigError } from '../../errors.js';
import type { Embedder } from '../../models/types.js';
import type { TokenCounter } from '../types.js';

/** What every chunker is built from. */
export interface ChunkerOptions {
  /** Largest chunk in tokens of `tokenCounter` (capped at the embedder's maxInputTokens). */
  maxTokens: number;
  /** Tokens shared by consecutive chunks (exact for 'fixed'; whole units up to this size elsewhere). */
  overlap?: number;
  tokenCounter: TokenCounter;
  /** Needed by 'semantic'; also caps maxTokens at embedder.maxInputTokens. */
  embedder?: Embedder;
}

/** Options after validation and capping. */
export interface ChunkerSettings {
  maxTokens: number;
  overlap: number;
  tokenCounter: TokenCounter;
  embedder?: Embedder;
}

/**
 * Validates chunker options and caps the size at the embedder's maximum input, so no chunk is ever
 * truncated by the model. Overlap must stay below the (capped) size.
 */
export function resolveChunkerSettings(options: ChunkerOptions): ChunkerSettings {
  const { tokenCounter, embedder } = options;
  if (!Number.isInteger(options.maxTokens) || options.maxTokens < 1) {
    throw new ConfigError('ingest.chunkSize', options.maxTokens, 'an integer >= 1 (tokens)');
  }
  const overlap = options.overlap ?? 0;
  if (!Number.isInteger(overlap) || overlap < 0) {
    throw new ConfigError('ingest.chunkOverlap', overlap, 'an integer >= 0 (tokens)');
  }
  const maxTokens = embedder ? Math.min(options.maxTokens, embedder.maxInputTokens) : options.maxTokens;
  if (overlap >= maxTokens) {
    throw new ConfigError('ingest.chunkOverlap', overlap, `fewer tokens than the chunk size (${maxTokens})`);
  }
  const overhead = tokenCounter.count('');
  if (overhead >= maxTokens) {
    throw new ConfigError(
      'ingest.chunkSize',
      maxTokens,
      `more than the ${overhead} tokens ${tokenCounter.name} spends on special tokens and prefix`,
    );
  }
  return { maxTokens, overlap, tokenCounter, embedder };
}
