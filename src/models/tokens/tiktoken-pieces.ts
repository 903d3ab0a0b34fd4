import type { Tiktoken } from 'tiktoken';
import { isPieceBoundary } from './piece-boundary.js';
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
 * to JavaScript. Exact on the characters isFastPathCode admits; the tests compare against tiktoken.
 */
export const SPLIT_PATTERNS = {
  cl100k_base: `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+${TAIL}[\\r\\n]*${WHITESPACE_ALTERNATIVES}`,
  o200k_base:
    `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:${CONTRACTIONS})?` +
    `|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:${CONTRACTIONS})?` +
    `${TAIL}[\\r\\n/]*${WHITESPACE_ALTERNATIVES}`,
} as const;

/** Pieces kept in the cache before it is cleared (bounded memory; natural text repeats pieces heavily). */
const MAX_CACHED_PIECES = 50_000;
/** Longer pieces (runs of spaces or symbols) are encoded directly, not cached. */
const MAX_CACHED_PIECE_LENGTH = 64;

/**
 * True for characters whose Unicode category has been stable for many Unicode versions (below
 * U+0800, plus General Punctuation), where JavaScript's and Rust's `\p{L}`, `\p{N}`, `\p{M}` agree.
 * Stretches around other characters (CJK, emoji, recent scripts) go to tiktoken itself.
 */
export function isFastPathCode(code: number): boolean {
  return code < 0x800 || (code >= 0x2000 && code <= 0x206f);
}

/**
 * Encodes text exactly as tiktoken does, fast: the text is cut at piece boundaries (isPieceBoundary)
 * around characters outside isFastPathCode, which tiktoken encodes itself; the rest is split by the
 * ported regex and each distinct piece is encoded by tiktoken once and cached (BPE never crosses
 * pieces). Gives token end offsets or counts.
 */
export function createPieceEncoder(encoder: Tiktoken, pattern: string, byteLength: (token: number) => number) {
  const split = new RegExp(pattern, 'gu');
  const cache = new Map<string, Int32Array>();
  const encodeSlow = (text: string): Int32Array => {
    const tokens = encoder.encode_ordinary(text);
    const lengths = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) lengths[i] = byteLength(tokens[i]);
    return utf8TokenEnds(text, lengths);
  };
  const encodePiece = (piece: string): Int32Array => {
    let ends = cache.get(piece);
    if (ends) return ends;
    ends = encodeSlow(piece);
    if (piece.length <= MAX_CACHED_PIECE_LENGTH) {
      if (cache.size >= MAX_CACHED_PIECES) cache.clear();
      cache.set(piece, ends);
    }
    return ends;
  };
  /** Calls `emit(offset, ends)` for consecutive runs of tokens covering text[start, end). */
  const encodeSegment = (text: string, start: number, end: number, fast: boolean, emit: (offset: number, ends: Int32Array) => void): void => {
    const segment = text.slice(start, end);
    if (fast) {
      const matches = segment.match(split);
      let total = 0;
      if (matches) for (const piece of matches) total += piece.length;
      // Every character belongs to some alternative, so the matches tile the segment; if not, tiktoken decides.
      if (total === segment.length && matches) {
        let offset = start;
        for (const piece of matches) {
          emit(offset, encodePiece(piece));
          offset += piece.length;
        }
        return;
      }
    }
    emit(start, encodeSlow(segment));
  };
  const encodeText = (text: string, emit: (offset: number, ends: Int32Array) => void): void => {
    let cursor = 0;
    for (let i = 0; i < text.length; i++) {
      if (isFastPathCode(text.charCodeAt(i))) continue;
      let from = i;
      while (from > cursor && !isPieceBoundary(text, from)) from--;
      let to = i + 1;
      while (to < text.length && !isPieceBoundary(text, to)) to++;
      if (from > cursor) encodeSegment(text, cursor, from, true, emit);
      encodeSegment(text, from, to, false, emit);
      cursor = to;
      i = to - 1;
    }
    if (cursor < text.length) encodeSegment(text, cursor, text.length, true, emit);
  };
  return {
    count(text: string): number {
      let count = 0;
      encodeText(text, (_, ends) => (count += ends.length));
      return count;
    },
    tokenEnds(text: string): Int32Array {
      let ends = new Int32Array(Math.max(16, text.length >> 2));
      let size = 0;
      encodeText(text, (offset, pieceEnds) => {
        if (size + pieceEnds.length > ends.length) {
          const grown = new Int32Array(Math.max(ends.length * 2, size + pieceEnds.length));
          grown.set(ends.subarray(0, size));
          ends = grown;
        }
        for (let i = 0; i < pieceEnds.length; i++) ends[size++] = offset + pieceEnds[i];
      });
      return ends.slice(0, size);
    },
  };
}
