import { ConfigError } from '../../errors.js';
import type { Chunker } from '../types.js';
import type { ChunkerOptions } from './chunker-options.js';
import { createFixedTokenChunker } from './fixed-token-chunker.js';
import { createMarkdownChunker } from './markdown-chunker.js';
import { createRecursiveChunker } from './recursive-chunker.js';
import { createSemanticChunker, type SemanticBreakpoint } from './semantic-chunker.js';
import { createSentenceChunker } from './sentence-chunker.js';

/** The chunkers groundwork ships, by the name the config and CLI use. */
export const CHUNKER_NAMES = ['markdown', 'recursive', 'fixed', 'sentence', 'semantic'] as const;
export type ChunkerName = (typeof CHUNKER_NAMES)[number];

/**
 * Builds a chunker by name.
 * @example createChunker('markdown', { maxTokens: 512, overlap: 50, tokenCounter: createTiktokenCounter() })
 */
export function createChunker(name: ChunkerName, options: ChunkerOptions & { semanticBreakpoint?: SemanticBreakpoint }): Chunker {
  switch (name) {
    case 'markdown':
      return createMarkdownChunker(options);
    case 'recursive':
      return createRecursiveChunker(options);
    case 'fixed':
      return createFixedTokenChunker(options);
    case 'sentence':
      return createSentenceChunker(options);
    case 'semantic':
      return createSemanticChunker({ ...options, breakpoint: options.semanticBreakpoint });
    default:
      throw new ConfigError('ingest.chunker', name, `one of ${CHUNKER_NAMES.join(', ')}`);
  }
}
