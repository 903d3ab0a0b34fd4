/**
 * A document encoded once, so chunkers can ask "how many tokens is this span?" without
 * re-tokenizing per candidate split (the cost that makes character-measured splitters slow).
 */
export interface TokenizedText {
  readonly text: string;
  /** Token end offsets (UTF-16 indices into `text`), ascending; the planning tokenization. */
  readonly tokenEnds: Int32Array;
  /**
   * True when `countSpan` equals the counter's `count(text.slice(start, end))` exactly; false when it
   * is an estimate (chunkers then verify each chunk with `count` before emitting it).
   */
  readonly exact: boolean;
  /** Tokens every input carries regardless of its text (special tokens, passage prefix). */
  readonly overhead: number;
  /** Tokens of `text.slice(start, end)` as the counter counts them (overhead included). */
  countSpan(start: number, end: number): number;
}

/** A TokenCounter that can encode a whole document once (see TokenizedText). */
export interface TokenizingCounter {
  tokenize(text: string): TokenizedText;
}

/** Number of tokens whose end offset is <= pos (binary search over ascending ends). */
export function tokensEndingBy(tokenEnds: Int32Array, pos: number): number {
  let low = 0;
  let high = tokenEnds.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (tokenEnds[mid] <= pos) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Type guard for counters that implement `tokenize`. */
export function isTokenizingCounter(counter: object): counter is TokenizingCounter {
  return typeof (counter as Partial<TokenizingCounter>).tokenize === 'function';
}
