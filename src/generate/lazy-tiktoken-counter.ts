import type { TokenCounter } from '../models/tokens/token-counter.js';
import { createTiktokenCounter, type TiktokenCounter } from './tiktoken-counter.js';

/** A prompt token counter that loads tiktoken's ranks on its first count, not when it is made. */
export interface LazyTiktokenCounter extends TokenCounter {
  /** Whether the ranks were loaded (a count happened). */
  readonly loaded: boolean;
  /** Releases the WASM encoder, if it was loaded. */
  free(): void;
}

/**
 * The tiktoken prompt counter, built on first use. Loading o200k_base's ranks takes ~0.3 s and
 * ~40 MB; a process that never builds a prompt (an answer served from the cache, `retrieve`, an
 * ingest) never pays for it.
 * @example const counter = createLazyTiktokenCounter('o200k_base'); counter.count('hello') // 1, loads the ranks
 */
export function createLazyTiktokenCounter(encoding: 'o200k_base' | 'cl100k_base' = 'o200k_base'): LazyTiktokenCounter {
  let counter: TiktokenCounter | undefined;
  const load = (): TiktokenCounter => (counter ??= createTiktokenCounter(encoding));
  return {
    name: `tiktoken:${encoding}`,
    get loaded() {
      return counter !== undefined;
    },
    count: (text) => load().count(text),
    encodeOffsets: (text) => load().encodeOffsets(text),
    free: () => {
      counter?.free();
      counter = undefined;
    },
  };
}
