/**
 * True when every tiktoken pre-tokenization (the cl100k_base and o200k_base split regexes) must
 * place a piece boundary at `pos`, whatever text precedes or follows: no alternative of either regex
 * matches an ASCII letter or digit followed by a space, nor a newline followed by an ASCII letter or
 * digit. BPE never merges across pieces, so the tokens between two such positions are the same
 * whether the text is encoded whole or sliced. test/models/tokens checks this against direct counts.
 */
export function isPieceBoundary(text: string, pos: number): boolean {
  if (pos <= 0 || pos >= text.length) return false;
  const before = text.charCodeAt(pos - 1);
  const after = text.charCodeAt(pos);
  return (isAsciiAlphanumeric(before) && after === 32) || (before === 10 && isAsciiAlphanumeric(after));
}

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}
