import { ConfigError } from '../../errors.js';
import type { Chunker, ChunkDraft } from '../types.js';
import { tokenizeText } from '../../models/tokens/generic-tokenized-text.js';
import { finalizeChunks, type PlannedChunk } from './chunk-plan.js';
import { resolveChunkerSettings, type ChunkerOptions } from './chunker-options.js';
import { documentRegions } from './document-regions.js';
import { packSentences } from './sentence-chunker.js';
import { createSentenceSegmenter } from './sentence-spans.js';

/**
 * Default breakpoint: a distance (1 - cosine similarity of adjacent sentences) above the 95th
 * percentile of the document's distances, the default of Greg Kamradt's "5 levels of text
 * splitting" semantic chunker and of LangChain's SemanticChunker.
 */
export const SEMANTIC_DEFAULT_BREAKPOINT = { method: 'percentile', amount: 95 } as const;

/** Where to break: above a percentile of distances, or above mean + amount standard deviations. */
export interface SemanticBreakpoint {
  method: 'percentile' | 'stddev';
  amount: number;
}

/**
 * Semantic chunking: embeds each sentence, breaks where adjacent-sentence similarity drops (see
 * SemanticBreakpoint), then packs each topical group into chunks of at most maxTokens.
 */
export function createSemanticChunker(options: ChunkerOptions & { breakpoint?: SemanticBreakpoint; locale?: string }): Chunker {
  const settings = resolveChunkerSettings(options);
  const embedder = settings.embedder;
  if (!embedder) throw new ConfigError('ingest.chunker', 'semantic', 'an embedder configured (semantic chunking embeds sentences)');
  const breakpoint = options.breakpoint ?? SEMANTIC_DEFAULT_BREAKPOINT;
  if (breakpoint.method === 'percentile' && !(breakpoint.amount >= 0 && breakpoint.amount <= 100)) {
    throw new ConfigError('ingest.semantic.breakpoint.amount', breakpoint.amount, 'a percentile between 0 and 100');
  }
  const segmenter = createSentenceSegmenter(options.locale);
  return {
    name: 'semantic',
    async chunk(document): Promise<ChunkDraft[]> {
      const tokenized = tokenizeText(settings.tokenCounter, document.text);
      const plans: PlannedChunk[] = [];
      for (const region of documentRegions(document)) {
        const sentences = segmenter
          .spans(document.text, region.start, region.end)
          .filter(([start, end]) => /\S/.test(document.text.slice(start, end)));
        if (sentences.length === 0) continue;
        const vectors: Float32Array[] = [];
        for (let i = 0; i < sentences.length; i += embedder.maxBatchSize) {
          const batch = sentences.slice(i, i + embedder.maxBatchSize).map(([start, end]) => document.text.slice(start, end).trim());
          vectors.push(...(await embedder.embedDocuments(batch)));
        }
        const distances = sentences.slice(1).map((_, i) => 1 - dot(vectors[i], vectors[i + 1]));
        const threshold = breakpointThreshold(distances, breakpoint);
        let groupStart = 0;
        for (let i = 0; i <= distances.length; i++) {
          if (i < distances.length && !(distances[i] > threshold)) continue;
          packSentences(tokenized, settings, region, sentences.slice(groupStart, i + 1), settings.overlap, plans);
          groupStart = i + 1;
        }
      }
      return finalizeChunks(document, tokenized, plans, settings, 'semantic');
    },
  };
}

/** Distance above which adjacent sentences are split. */
export function breakpointThreshold(distances: number[], breakpoint: SemanticBreakpoint): number {
  if (distances.length === 0) return Infinity;
  if (breakpoint.method === 'stddev') {
    const mean = distances.reduce((sum, value) => sum + value, 0) / distances.length;
    const variance = distances.reduce((sum, value) => sum + (value - mean) ** 2, 0) / distances.length;
    return mean + breakpoint.amount * Math.sqrt(variance);
  }
  const sorted = distances.slice().sort((a, b) => a - b);
  const rank = (breakpoint.amount / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/** Dot product: cosine similarity for the L2-normalized vectors embedders return. */
function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}
