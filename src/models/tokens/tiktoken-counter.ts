import { get_encoding, type Tiktoken } from 'tiktoken';
import { ConfigError } from '../../errors.js';
import type { TokenCounter } from './token-counter.js';
import { tokensEndingBy, type TokenizedText, type TokenizingCounter } from './tokenized-text.js';
import { isPieceBoundary } from './piece-boundary.js';
import { createPieceEncoder, SPLIT_PATTERNS } from './tiktoken-pieces.js';

/** The tiktoken encodings groundwork ships offline (their ranks are inside the `tiktoken` package). */
export const TIKTOKEN_ENCODINGS = ['cl100k_base', 'o200k_base'] as const;
export type TiktokenEncodingName = (typeof TIKTOKEN_ENCODINGS)[number];

/** Vocabulary upper bound used to size the token byte-length cache (o200k_base has 200,019 ids). */
const MAX_VOCABULARY = 200_100;

/** A tiktoken-backed counter; `free()` releases its WASM encoder. */
export interface TiktokenCounter extends TokenCounter, TokenizingCounter {
  readonly encoding: TiktokenEncodingName;
  encodeOffsets(text: string): number[];
  free(): void;
}

/**
 * Counts tokens with tiktoken (cl100k_base or o200k_base), offline. Text of stable Unicode
 * categories is split by a JavaScript port of tiktoken's regex and each distinct piece is encoded
 * once (a cache), several times faster than encoding whole texts. `tokenize` encodes a document
 * once; its `countSpan` is exact for any span (see isPieceBoundary) at the cost of re-encoding only
 * the few characters before the first and after the last piece boundary inside the span.
 * @example const counter = createTiktokenCounter('cl100k_base'); counter.count('hello world') // 2
 */
export function createTiktokenCounter(encoding: TiktokenEncodingName = 'cl100k_base'): TiktokenCounter {
  if (!TIKTOKEN_ENCODINGS.includes(encoding)) {
    throw new ConfigError('ingest.tokenizer', encoding, `one of ${TIKTOKEN_ENCODINGS.join(', ')}`);
  }
  const encoder: Tiktoken = get_encoding(encoding);
  const byteLengths = new Int32Array(MAX_VOCABULARY).fill(-1);

  const byteLength = (token: number): number => {
    let length = token < MAX_VOCABULARY ? byteLengths[token] : -1;
    if (length < 0) {
      length = encoder.decode_single_token_bytes(token).length;
      if (token < MAX_VOCABULARY) byteLengths[token] = length;
    }
    return length;
  };
  // Fast path: split with the ported regex and encode each distinct piece once (see tiktoken-pieces).
  const pieces = createPieceEncoder(encoder, SPLIT_PATTERNS[encoding], byteLength);

  const countText = (text: string): number => (text.length === 0 ? 0 : pieces.count(text));
  const tokenEnds = (text: string): Int32Array => pieces.tokenEnds(text);

  const tokenize = (text: string): TokenizedText => {
    const ends = tokenEnds(text);
    const countSpan = (start: number, end: number): number => {
      if (end <= start) return 0;
      const first = nextPieceBoundary(text, start, end);
      if (first < 0) return countText(text.slice(start, end));
      const last = previousPieceBoundary(text, end, first);
      const middle = tokensEndingBy(ends, last) - tokensEndingBy(ends, first);
      const head = first > start ? countText(text.slice(start, first)) : 0;
      const tail = end > last ? countText(text.slice(last, end)) : 0;
      return head + middle + tail;
    };
    return { text, tokenEnds: ends, exact: true, overhead: 0, countSpan };
  };

  return {
    name: `tiktoken:${encoding}`,
    encoding,
    count: countText,
    encodeOffsets: (text) => Array.from(tokenEnds(text)),
    tokenize,
    free: () => encoder.free(),
  };
}

/** First piece boundary p with start <= p <= end (the span's own edges count), or -1. */
function nextPieceBoundary(text: string, start: number, end: number): number {
  if (start === 0) return 0;
  for (let p = start; p < end; p++) if (isPieceBoundary(text, p)) return p;
  return end === text.length ? end : -1;
}

/** Last piece boundary p with floor <= p <= end. */
function previousPieceBoundary(text: string, end: number, floor: number): number {
  if (end === text.length) return end;
  for (let p = end; p > floor; p--) if (isPieceBoundary(text, p)) return p;
  return floor;
}
