import type { TokenizedText } from '../../models/tokens/tokenized-text.js';

/**
 * Greedy packing of consecutive units (spans) into chunks of at most maxTokens, with an overlap of
 * whole trailing units up to `overlap` tokens. A unit that alone exceeds maxTokens goes to
 * `oversize` (after the chunk in progress is emitted) instead of being packed.
 */
export function packUnits(args: {
  tokenized: TokenizedText;
  units: ReadonlyArray<readonly [number, number]>;
  maxTokens: number;
  overlap: number;
  emit: (start: number, end: number) => void;
  oversize: (unitIndex: number) => void;
}): void {
  const { tokenized, units, maxTokens, overlap, emit, oversize } = args;
  let first = -1; // first unit of the chunk in progress, -1 when none
  let last = -1;
  const flush = () => {
    if (first >= 0) emit(units[first][0], units[last][1]);
  };
  for (let i = 0; i < units.length; i++) {
    const [unitStart, unitEnd] = units[i];
    if (first >= 0 && tokenized.countSpan(units[first][0], unitEnd) <= maxTokens) {
      last = i;
      continue;
    }
    if (tokenized.countSpan(unitStart, unitEnd) > maxTokens) {
      flush();
      first = -1;
      oversize(i);
      continue;
    }
    if (first < 0) {
      first = last = i;
      continue;
    }
    flush();
    let next = i;
    if (overlap > 0) {
      const previousEnd = units[last][1];
      for (let j = last; j >= first; j--) {
        if (tokenized.countSpan(units[j][0], previousEnd) > overlap) break;
        if (tokenized.countSpan(units[j][0], unitEnd) > maxTokens) break;
        next = j;
      }
    }
    first = next;
    last = i;
  }
  flush();
}
