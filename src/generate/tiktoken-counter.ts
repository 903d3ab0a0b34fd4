import { createTiktokenCounter as createIngestTiktokenCounter, type TiktokenCounter } from '../models/tokens/tiktoken-counter.js';

export type { TiktokenCounter };

/**
 * Counts prompt tokens with tiktoken's offline BPE ranks, through the same fast counter ingest
 * uses (property-tested to count exactly like tiktoken). Loading the ranks takes about a second, so
 * build one counter per process (createGroundwork does) and pass it to buildPrompt / answerQuestion.
 * @example const counter = createTiktokenCounter('o200k_base'); counter.count('hello') // 1
 */
export function createTiktokenCounter(encoding: 'o200k_base' | 'cl100k_base' = 'o200k_base'): TiktokenCounter {
  return createIngestTiktokenCounter(encoding);
}
