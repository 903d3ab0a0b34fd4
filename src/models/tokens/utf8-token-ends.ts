/**
 * Converts per-token UTF-8 byte lengths into UTF-16 end offsets in `text`. A token that ends inside a
 * multi-byte character (byte-level BPE does this) is mapped to the end of that character.
 * Lone surrogates count 3 bytes: they reach the tokenizer as U+FFFD.
 */
export function utf8TokenEnds(text: string, tokenByteLengths: ArrayLike<number>): Int32Array {
  const ends = new Int32Array(tokenByteLengths.length);
  let charIndex = 0;
  let byteIndex = 0;
  let tokenByteEnd = 0;
  for (let t = 0; t < tokenByteLengths.length; t++) {
    tokenByteEnd += tokenByteLengths[t];
    while (byteIndex < tokenByteEnd && charIndex < text.length) {
      const code = text.charCodeAt(charIndex);
      if (code < 0x80) {
        byteIndex += 1;
        charIndex += 1;
      } else if (code < 0x800) {
        byteIndex += 2;
        charIndex += 1;
      } else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(charIndex + 1))) {
        byteIndex += 4;
        charIndex += 2;
      } else {
        byteIndex += 3;
        charIndex += 1;
      }
    }
    ends[t] = charIndex;
  }
  return ends;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
