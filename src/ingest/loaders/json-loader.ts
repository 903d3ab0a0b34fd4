import type { LoadedDocument, Loader } from '../types.js';
import { baseTitle, decodeText, plainTitle, requireContent } from './decode-text.js';
import { SkipError } from './load-skip.js';

/** Which record fields hold the id, text, title and metadata (first present field wins; dotted paths allowed). */
export interface JsonFieldMapping {
  idFields: string[];
  textFields: string[];
  titleFields: string[];
  /** Fields copied into metadata; undefined = every other top-level field. */
  metadataFields?: string[];
}

/** BEIR corpora use `_id`, `title` and `text`; many exports use `id`, `content` or `body`. */
export const DEFAULT_JSON_FIELDS: JsonFieldMapping = {
  idFields: ['_id', 'id'],
  textFields: ['text', 'content', 'body'],
  titleFields: ['title', 'name'],
};

/**
 * JSON and JSON Lines files: one document per record (a `.json` array, or one line of `.jsonl`).
 * The record's own id becomes the externalId; without one it is `path#n`. Any malformed line or a
 * record without a text field skips the file, naming the line.
 */
export function createJsonLoader(fields: JsonFieldMapping = DEFAULT_JSON_FIELDS): Loader {
  return {
    name: 'json',
    extensions: ['.json', '.jsonl', '.ndjson'],
    sniff: (head) => /^\uFEFF?\s*[[{]/.test(new TextDecoder().decode(head.subarray(0, 64))),
    async load({ path, relativePath, bytes, mtime }) {
      const raw = decodeText(bytes, path).replace(/^\uFEFF/, '');
      requireContent(raw, path);
      const lines = /\.(jsonl|ndjson)$/i.test(path) || looksLikeJsonLines(raw);
      const records: Array<{ value: unknown; where: string; ordinal: number }> = [];
      if (lines) {
        raw.split('\n').forEach((line, index) => {
          if (!line.trim()) return;
          records.push({ value: parseJson(line, path, `line ${index + 1}`), where: `line ${index + 1}`, ordinal: index + 1 });
        });
      } else {
        const value = parseJson(raw, path, 'file');
        if (Array.isArray(value)) value.forEach((item, index) => records.push({ value: item, where: `record ${index}`, ordinal: index }));
        else records.push({ value, where: 'record', ordinal: -1 });
      }
      const modifiedAt = mtime.toISOString();
      return records.map(({ value, where, ordinal }): LoadedDocument => {
        if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SkipError(path, 'malformed-json', `${where}: not an object`);
        const record = value as Record<string, unknown>;
        const id = pick(record, fields.idFields);
        const text = pick(record, fields.textFields);
        if (text === undefined) throw new SkipError(path, 'malformed-json', `${where}: no text field (tried ${fields.textFields.join(', ')})`);
        const title = pick(record, fields.titleFields);
        const used = new Set([...fields.idFields, ...fields.textFields, ...fields.titleFields]);
        const metadata = fields.metadataFields
          ? Object.fromEntries(fields.metadataFields.map((field) => [field, getPath(record, field)]).filter(([, item]) => item !== undefined))
          : Object.fromEntries(
              Object.entries(record)
                .filter(([key]) => !used.has(key))
                // A record's own `metadata` object (BEIR corpora have one) is merged, not nested.
                .flatMap(([key, item]) => (key === 'metadata' && isPlainObject(item) ? Object.entries(item) : [[key, item]])),
            );
        const externalId = id !== undefined ? String(id) : ordinal < 0 ? relativePath : `${relativePath}#${ordinal}`;
        return {
          externalId,
          source: ordinal < 0 ? path : `${path}#${ordinal}`,
          title: title !== undefined && String(title).trim() ? plainTitle(String(title)) : id !== undefined ? plainTitle(String(id)) : baseTitle(relativePath),
          text: Array.isArray(text) ? text.map(String).join('\n\n') : String(text),
          format: 'text',
          metadata: { modifiedAt, ...metadata },
        };
      });
    },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function looksLikeJsonLines(raw: string): boolean {
  const firstLine = raw.trimStart().split('\n', 1)[0];
  if (!firstLine.startsWith('{') || firstLine.trim() === raw.trim()) return false;
  try {
    JSON.parse(firstLine);
    return true;
  } catch {
    return false;
  }
}

function parseJson(text: string, path: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SkipError(path, 'malformed-json', `${where}: ${(error as Error).message}`, error);
  }
}

function pick(record: Record<string, unknown>, fields: string[]): unknown {
  for (const field of fields) {
    const value = getPath(record, field);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

function getPath(record: Record<string, unknown>, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
