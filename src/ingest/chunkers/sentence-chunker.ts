import type { Chunker } from '../types.js';
import { tokenizeText } from '../../models/tokens/generic-tokenized-text.js';
import type { TokenizedText } from '../../models/tokens/tokenized-text.js';
import { finalizeChunks, type PlannedChunk } from './chunk-plan.js';
import { resolveChunkerSettings, type ChunkerOptions, type ChunkerSettings } from './chunker-options.js';
import { documentRegions, type DocumentRegion } from './document-regions.js';
import { packUnits } from './pack-units.js';
import { createSentenceSegmenter } from './sentence-spans.js';
import { splitRecursively } from './split-recursively.js';

/** How a sentence longer than the limit is cut: lines, clauses, words, then tokens. */
export const LONG_SENTENCE_SEPARATORS: readonly string[] = ['\n', '; ', ', ', ' ', ''];

/**
 * Packs whole sentences up to maxTokens, with whole-sentence overlap up to `overlap` tokens. Cuts
 * inside a sentence only when that one sentence exceeds the limit.
 */
export function createSentenceChunker(options: ChunkerOptions & { locale?: string }): Chunker {
  const settings = resolveChunkerSettings(options);
  const segmenter = createSentenceSegmenter(options.locale);
  return {
    name: 'sentence',
    chunk(document) {
      const tokenized = tokenizeText(settings.tokenCounter, document.text);
      const plans: PlannedChunk[] = [];
      for (const region of documentRegions(document)) {
        packSentences(tokenized, settings, region, segmenter.spans(document.text, region.start, region.end), settings.overlap, plans);
      }
      return finalizeChunks(document, tokenized, plans, settings, 'sentence');
    },
  };
}

/** Packs sentence spans into plans (shared with the semantic chunker). */
export function packSentences(
  tokenized: TokenizedText,
  settings: ChunkerSettings,
  region: DocumentRegion,
  sentences: Array<[number, number]>,
  overlap: number,
  plans: PlannedChunk[],
): void {
  const base = { headingPath: region.headingPath, page: region.page };
  packUnits({
    tokenized,
    units: sentences,
    maxTokens: settings.maxTokens,
    overlap,
    emit: (start, end) => plans.push({ ...base, start, end }),
    oversize: (index) => {
      const spans: Array<[number, number]> = [];
      const [start, end] = sentences[index];
      splitRecursively({ tokenized, start, end, maxTokens: settings.maxTokens, overlap: 0, separators: LONG_SENTENCE_SEPARATORS, out: spans });
      for (const [a, b] of spans) plans.push({ ...base, start: a, end: b, metadata: { splitSentence: true } });
    },
  });
}
