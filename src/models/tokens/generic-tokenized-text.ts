import type { TokenCounter } from './token-counter.js';
import { isTokenizingCounter, tokensEndingBy, type TokenizedText } from './tokenized-text.js';

/** Planning granularity for counters that give neither offsets nor `tokenize`: one unit per char. */
const CHARACTER_UNIT = 1;

/**
 * Encodes a document once with any TokenCounter: its own `tokenize` when it has one, else its
 * `encodeOffsets` (estimates, verified per chunk), else characters scaled by the whole-document
 * count (estimates, verified per chunk).
 */
export function tokenizeText(counter: TokenCounter, text: string): TokenizedText {
  if (isTokenizingCounter(counter)) return counter.tokenize(text);
  const total = counter.count(text);
  const overhead = counter.count('');
  if (counter.encodeOffsets) {
    const ends = Int32Array.from(counter.encodeOffsets(text));
    return {
      text,
      tokenEnds: ends,
      exact: false,
      overhead,
      countSpan: (start, end) =>
        end <= start ? overhead : overhead + 1 + tokensEndingBy(ends, end) - tokensEndingBy(ends, start),
    };
  }
  const ends = new Int32Array(Math.ceil(text.length / CHARACTER_UNIT));
  for (let i = 0; i < ends.length; i++) ends[i] = Math.min(text.length, (i + 1) * CHARACTER_UNIT);
  const perChar = text.length === 0 ? 1 : Math.max(total - overhead, 1) / text.length;
  return {
    text,
    tokenEnds: ends,
    exact: false,
    overhead,
    countSpan: (start, end) => (end <= start ? overhead : overhead + Math.ceil((end - start) * perChar)),
  };
}
