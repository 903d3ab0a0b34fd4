import { get_encoding, type TiktokenEncoding } from 'tiktoken';
import type { TokenCounter } from '../ingest/types.js';

/** A TokenCounter backed by tiktoken, with `free()` to release its WASM memory. */
export interface TiktokenCounter extends TokenCounter {
  free(): void;
}

/**
 * Counts tokens with tiktoken's offline BPE ranks. Loading the ranks takes about a second, so build
 * one counter per process (createGroundwork does) and pass it to buildPrompt / answerQuestion.
 * Special-token text inside documents (`<|endoftext|>`) is counted as ordinary text, as a model
 * API would see it.
 * @example const counter = createTiktokenCounter('o200k_base'); counter.count('hello') // 1
 */
export function createTiktokenCounter(encoding: 'o200k_base' | 'cl100k_base' = 'o200k_base'): TiktokenCounter {
  const encoder = get_encoding(encoding as TiktokenEncoding);
  return {
    name: `tiktoken:${encoding}`,
    count: (text: string) => (text.length === 0 ? 0 : encoder.encode_ordinary(text).length),
    free: () => encoder.free(),
  };
}
