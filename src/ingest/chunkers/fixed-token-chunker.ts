import type { Chunker } from '../types.js';
import { tokenizeText } from '../../models/tokens/generic-tokenized-text.js';
import { tokensEndingBy } from '../../models/tokens/tokenized-text.js';
import { finalizeChunks, type PlannedChunk } from './chunk-plan.js';
import { resolveChunkerSettings, type ChunkerOptions } from './chunker-options.js';
import { documentRegions } from './document-regions.js';

/**
 * Fixed windows of maxTokens tokens; consecutive windows share exactly `overlap` tokens of the
 * document's encoding. A window that re-encodes to more than maxTokens (a cut inside a word) gives
 * back tokens at its end until it fits; the next window still starts `overlap` tokens before its end.
 */
export function createFixedTokenChunker(options: ChunkerOptions): Chunker {
  const settings = resolveChunkerSettings(options);
  return {
    name: 'fixed',
    chunk(document) {
      const tokenized = tokenizeText(settings.tokenCounter, document.text);
      const ends = tokenized.tokenEnds;
      const window = settings.maxTokens - tokenized.overhead;
      const plans: PlannedChunk[] = [];
      for (const region of documentRegions(document)) {
        const first = tokensEndingBy(ends, region.start);
        let limit = tokensEndingBy(ends, region.end);
        if (limit < ends.length && (limit === 0 ? 0 : ends[limit - 1]) < region.end) limit++; // token straddling the end
        const startOf = (index: number) => (index === first ? region.start : Math.max(region.start, ends[index - 1]));
        const endOf = (index: number) => Math.min(region.end, ends[index - 1]);
        for (let start = first; start < limit; ) {
          let end = Math.min(start + window, limit);
          while (tokenized.exact && end - start > 1 && tokenized.countSpan(startOf(start), endOf(end)) > settings.maxTokens) end--;
          plans.push({
            start: startOf(start),
            end: endOf(end),
            headingPath: region.headingPath,
            page: region.page,
            keepWhitespace: true,
            metadata: { tokenStart: start, tokenEnd: end },
          });
          if (end >= limit) break;
          start = Math.max(start + 1, end - settings.overlap);
        }
      }
      return finalizeChunks(document, tokenized, plans, settings, 'fixed');
    },
  };
}
