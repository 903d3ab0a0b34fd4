import { TextDecoder } from 'node:util';
import { neutralizeMarkup } from '../../neutralize-markup.js';
import { SkipError } from './load-skip.js';

/** Bytes inspected for NUL characters when deciding a file is binary (git looks at the first 8000). */
export const BINARY_SNIFF_BYTES = 8000;

/** True when the first bytes contain a NUL byte: binary, not text (git's heuristic). */
export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

/**
 * Decodes text strictly: binary content and invalid byte sequences are skips with their own
 * reasons, never replacement characters in the index. A byte-order mark is dropped.
 */
export function decodeText(bytes: Uint8Array, path: string, encoding = 'utf-8'): string {
  if (looksBinary(bytes)) throw new SkipError(path, 'binary', 'contains NUL bytes');
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    decoder = new TextDecoder('utf-8', { fatal: true });
  }
  try {
    return decoder.decode(bytes);
  } catch (error) {
    throw new SkipError(path, 'invalid-utf8', `not valid ${decoder.encoding}`, error);
  }
}

/** The file name without folders and its last extension, used as a fallback title (markup neutralized: file names are data too). */
export function baseTitle(relativePath: string): string {
  const name = relativePath.split(/[\\/]/).pop() ?? relativePath;
  const dot = name.lastIndexOf('.');
  return neutralizeMarkup(dot > 0 ? name.slice(0, dot) : name);
}

/** A title taken from a document's own fields (PDF info, a JSON or CSV field) as plain data: trimmed, markup neutralized. */
export function plainTitle(value: string): string {
  return neutralizeMarkup(value.replace(/\s+/g, ' ').trim());
}

/** Throws an 'empty' skip when the text has no visible characters. */
export function requireContent(text: string, path: string): void {
  if (!/\S/.test(text)) throw new SkipError(path, 'empty', 'no text');
}
