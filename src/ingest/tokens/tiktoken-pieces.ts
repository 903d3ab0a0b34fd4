import type { Tiktoken } from 'tiktoken';
import { utf8TokenEnds } from './utf8-token-ends.js';

/**
 * Unicode White_Space, which Rust's `\s` (tiktoken's regex engine) means; JavaScript's `\s` adds
 * U+FEFF and lacks U+0085, so the class is spelled out.
 */
const WHITE_SPACE = '\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SPACE = `[${WHITE_SPACE}]`;
const NOT_SPACE = `[^${WHITE_SPACE}]`;
/** `(?i:'s|'t|'re|'ve|'m|'ll|'d)`: Unicode case folding also maps U+017F (long s) to s. */
const CONTRACTIONS = "'(?:[sS\\u017f]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])";
const TAIL = `|\\p{N}{1,3}| ?[^${WHITE_SPACE}\\p{L}\\p{N}]+`;
const WHITESPACE_ALTERNATIVES = `|${SPACE}*[\\r\\n]+|${SPACE}+(?!${NOT_SPACE})|${SPACE}+`;

/**
 * The pre-tokenization regexes of tiktoken's cl100k_base and o200k_base (their `pat_str`), ported
 * to JavaScript. Exact on the characters isFastPathText admits; the tests compare against tiktoken.
 */
export const SPLIT_PATTERNS = {
  cl100k_base: `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+${TAIL}[\\r\\n]*${WHITESPACE_ALTERNATIVES}`,
  o200k_base:
    `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:${CONTRACTIONS})?` +
    `|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:${CONTRACTIONS})?` +
    `${TAIL}[\\r\\n/]*${WHITESPACE_ALTERNATIVES}`,
} as const;

/** Pieces kept in the cache before it is cleared (bounded memory; natural text repeats pieces heavily). */
const MAX_CACHED_PIECES = 200_000;
/** Longer pieces (runs of spaces or symbols) are encoded directly, not cached. */
const MAX_CACHED_PIECE_LENGTH = 64;

/**
 * True when every character's Unicode category has been stable for many Unicode versions (below
 * U+0800, plus General Punctuation), so JavaScript's and Rust's `\p{L}`, `\p{N}`, `\p{M}` agree.
 * Other text (CJK, emoji, recent scripts) goes to tiktoken whole.
 */
export function isFastPathText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x800 && (code < 0x2000 || code > 0x206f)) return false;
  }
  return true;
}

/**
 * Encodes text the way tiktoken does, split by the ported regex with each distinct piece encoded
 * once by tiktoken (BPE never crosses pieces), and returns token end offsets relative to the text.
 * Returns undefined when the text is not fast-path text, so the caller encodes it whole.
 */
export function createPieceEncoder(encoder: Tiktoken, pattern: string, byteLength: (token: number) => number) {
  const split = new RegExp(pattern, 'gu');
  const cache = new Map<string, Int32Array>();
  const encodePiece = (piece: string): Int32Array => {
    let ends = cache.get(piece);
    if (ends) return ends;
    const tokens = encoder.encode_ordinary(piece);
    const lengths = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) lengths[i] = byteLength(tokens[i]);
    ends = utf8TokenEnds(piece, lengths);
    if (piece.length <= MAX_CACHED_PIECE_LENGTH) {
      if (cache.size >= MAX_CACHED_PIECES) cache.clear();
      cache.set(piece, ends);
    }
    return ends;
  };
  return {
    /** Token count, or -1 when the text needs tiktoken whole. */
    count(text: string): number {
      if (!isFastPathText(text)) return -1;
      split.lastIndex = 0;
      let expected = 0;
      let count = 0;
      for (let match = split.exec(text); match !== null; match = split.exec(text)) {
        if (match.index !== expected) return -1; // a character no alternative matched: let tiktoken decide
        count += encodePiece(match[0]).length;
        expected = match.index + match[0].length;
      }
      return expected === text.length ? count : -1;
    },
    /** Token end offsets, or undefined when the text needs tiktoken whole. */
    tokenEnds(text: string): Int32Array | undefined {
      if (!isFastPathText(text)) return undefined;
      split.lastIndex = 0;
      let ends = new Int32Array(Math.max(16, text.length >> 2));
      let size = 0;
      let expected = 0;
      for (let match = split.exec(text); match !== null; match = split.exec(text)) {
        if (match.index !== expected) return undefined;
        const pieceEnds = encodePiece(match[0]);
        if (size + pieceEnds.length > ends.length) {
          const grown = new Int32Array(Math.max(ends.length * 2, size + pieceEnds.length));
          grown.set(ends.subarray(0, size));
          ends = grown;
        }
        for (let i = 0; i < pieceEnds.length; i++) ends[size++] = match.index + pieceEnds[i];
        expected = match.index + match[0].length;
      }
      return expected === text.length ? ends.slice(0, size) : undefined;
    },
  };
}
