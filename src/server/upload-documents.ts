import { InputError } from '../errors.js';
import type { CsvOptions } from '../ingest/loaders/csv-loader.js';
import { defaultLoaders } from '../ingest/loaders/default-loaders.js';
import type { JsonFieldMapping } from '../ingest/loaders/json-loader.js';
import { loadBytes } from '../ingest/loaders/load-file.js';
import { createLoaderRegistry, type LoaderRegistry } from '../ingest/loaders/loader-registry.js';
import type { SourceItem } from '../ingest/pipeline.js';
import type { Loader } from '../ingest/types.js';

/** An uploaded file, in memory. */
export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

/** Where uploaded documents say they came from: `upload:<file name>`. */
export const UPLOAD_SOURCE_PREFIX = 'upload:';
const SAFE_NAME = /^[^\0\r\n]{1,255}$/;

/**
 * The loaders used for uploads: every shipped loader (text, Markdown, HTML, PDF, DOCX, JSON, CSV)
 * with the config's JSON field mapping and CSV options, as `groundwork ingest` uses them, then the
 * given ones (they win on shared extensions).
 */
export function uploadLoaders(extra: readonly Loader[] = [], settings: { json?: JsonFieldMapping; csv?: CsvOptions } = {}): LoaderRegistry {
  return createLoaderRegistry([...defaultLoaders(settings), ...extra]);
}

/** Checks an upload's file name (it becomes the document's external id). */
export function checkUploadName(name: string, field: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  if (!SAFE_NAME.test(base) || base === '.' || base === '..') throw new InputError(field, `file name ${JSON.stringify(name)} is empty or not a plain file name`);
  return base;
}

/**
 * Loads uploaded files into source items for `groundwork.ingest`, the way `loadFile` treats files
 * on disk (the same `loadBytes`): the registry picks the loader by extension and first bytes;
 * empty, oversized, binary, unsupported, malformed or corrupt files are skips with their reason,
 * never errors. The file name is the document's external id, so uploading it again updates it.
 */
export async function* uploadedSourceItems(files: readonly UploadedFile[], registry: LoaderRegistry, options: { maxFileBytes: number; uploadedAt?: Date }): AsyncGenerator<SourceItem> {
  const mtime = options.uploadedAt ?? new Date();
  for (const file of files) {
    const path = UPLOAD_SOURCE_PREFIX + file.name;
    if (file.bytes.byteLength > options.maxFileBytes) {
      yield { skip: { path, reason: `too-large: ${file.bytes.byteLength} bytes exceeds the ${options.maxFileBytes}-byte limit (ingest.maxFileBytes)` } };
      continue;
    }
    const result = await loadBytes({ path, relativePath: file.name, bytes: file.bytes, mtime }, registry);
    if (!result.ok) {
      yield { skip: { path, reason: `${result.skip.reason}: ${result.skip.message}` } };
      continue;
    }
    for (const document of result.documents) yield { document: { ...document, metadata: { ...document.metadata, uploaded: true } } };
  }
}
