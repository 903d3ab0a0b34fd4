import type { TokenizedText } from '../../models/tokens/tokenized-text.js';
import { tokensEndingBy } from '../../models/tokens/tokenized-text.js';

/**
 * Splits [start, end) into consecutive spans of at most `budget` planning tokens each, ending on
 * token boundaries. With an exact tokenization each span is also shrunk until its true count is
 * <= maxTokens (slicing mid-word can re-encode to one token more).
 */
export function splitByTokens(
  tokenized: TokenizedText,
  start: number,
  end: number,
  budget: number,
  maxTokens: number,
): Array<[number, number]> {
  const ends = tokenized.tokenEnds;
  const spans: Array<[number, number]> = [];
  let pieceStart = start;
  let index = tokensEndingBy(ends, start);
  while (pieceStart < end) {
    let take = Math.max(1, budget);
    let pieceEnd = tokenEndAt(ends, index, take, end);
    while (tokenized.exact && take > 1 && tokenized.countSpan(pieceStart, pieceEnd) > maxTokens) {
      take--;
      pieceEnd = tokenEndAt(ends, index, take, end);
    }
    if (pieceEnd <= pieceStart) pieceEnd = Math.min(end, pieceStart + 1);
    spans.push([pieceStart, pieceEnd]);
    pieceStart = pieceEnd;
    index = tokensEndingBy(ends, pieceStart);
  }
  return spans;
}

/** End offset of the `take`-th token from `index`, clipped to `end`. */
function tokenEndAt(ends: Int32Array, index: number, take: number, end: number): number {
  const last = Math.min(index + take, ends.length) - 1;
  return last < 0 ? end : Math.min(ends[last], end);
}
