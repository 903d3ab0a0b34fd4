import type { Embedder } from '../../../src/models/types.js';

/** Dimensions of the hashed bag-of-words test embedder. */
const DIMENSIONS = 256;

function hashWord(word: string): number {
  let hash = 2166136261;
  for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 16777619);
  return (hash >>> 0) % DIMENSIONS;
}

function embedWords(text: string): Float32Array {
  const vector = new Float32Array(DIMENSIONS);
  for (const word of text.toLowerCase().match(/[a-z]{4,}/g) ?? []) vector[hashWord(word)] += 1;
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  return vector.map((value) => value / norm);
}

/**
 * Deterministic test embedder: hashed bag of words (words of 4+ letters), L2-normalized. Its
 * tokenizer counts whitespace-separated words plus a 1-token "passage:" prefix and [CLS]/[SEP];
 * it records every batch it embeds.
 */
export function wordEmbedder(options: { maxInputTokens: number }): Embedder & { batches: string[][] } {
  const batches: string[][] = [];
  return {
    id: 'test:hashed-bow',
    revision: 'test',
    dimensions: DIMENSIONS,
    maxInputTokens: options.maxInputTokens,
    maxBatchSize: 8,
    countTokens: (text: string) => 3 + (text.match(/\S+/g) ?? []).length,
    batches,
    embedDocuments: async (texts: string[]) => {
      batches.push(texts);
      return texts.map(embedWords);
    },
    embedQuery: async (text: string) => embedWords(text),
  };
}
