import type { Chunker } from '../types.js';
import { tokenizeText } from '../../models/tokens/generic-tokenized-text.js';
import { finalizeChunks, type PlannedChunk } from './chunk-plan.js';
import { resolveChunkerSettings, type ChunkerOptions } from './chunker-options.js';
import { documentRegions } from './document-regions.js';
import { DEFAULT_SEPARATORS, splitRecursively } from './split-recursively.js';

/**
 * Recursive splitting over a separator hierarchy (paragraphs, lines, sentences, clauses, words,
 * tokens), measured in real tokens from one encoding of the document.
 */
export function createRecursiveChunker(options: ChunkerOptions & { separators?: readonly string[] }): Chunker {
  const settings = resolveChunkerSettings(options);
  const separators = options.separators ?? DEFAULT_SEPARATORS;
  return {
    name: 'recursive',
    chunk(document) {
      const tokenized = tokenizeText(settings.tokenCounter, document.text);
      const plans: PlannedChunk[] = [];
      for (const region of documentRegions(document)) {
        const spans: Array<[number, number]> = [];
        splitRecursively({ tokenized, start: region.start, end: region.end, maxTokens: settings.maxTokens, overlap: settings.overlap, separators, out: spans });
        for (const [start, end] of spans) plans.push({ start, end, headingPath: region.headingPath, page: region.page });
      }
      return finalizeChunks(document, tokenized, plans, settings, 'recursive');
    },
  };
}
