import { InputError } from '../errors.js';
import { looksBinary } from '../ingest/loaders/decode-text.js';
import { defaultLoaders } from '../ingest/loaders/default-loaders.js';
import { SkipError } from '../ingest/loaders/load-skip.js';
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
/** Bytes handed to loaders' sniff functions (as the file loader does). */
const SNIFF_BYTES = 4096;
const SAFE_NAME = /^[^\0\r\n]{1,255}$/;

/** The loaders used for uploads: every shipped loader (text, Markdown, HTML, PDF, DOCX, JSON, CSV), then the given ones (they win on shared extensions). */
export function uploadLoaders(extra: readonly Loader[] = []): LoaderRegistry {
  return createLoaderRegistry([...defaultLoaders(), ...extra]);
}

/** Checks an upload's file name (it becomes the document's external id). */
export function checkUploadName(name: string, field: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  if (!SAFE_NAME.test(base) || base === '.' || base === '..') throw new InputError(field, `file name ${JSON.stringify(name)} is empty or not a plain file name`);
  return base;
}

/**
 * Loads uploaded files into source items for `groundwork.ingest`, the way `loadFile` treats files
 * on disk: the registry picks the loader by extension and first bytes; empty, oversized, binary,
 * unsupported, malformed or corrupt files are skips with their reason, never errors. The file
 * name is the document's external id, so uploading it again updates it.
 */
export async function* uploadedSourceItems(files: readonly UploadedFile[], registry: LoaderRegistry, options: { maxFileBytes: number; uploadedAt?: Date }): AsyncGenerator<SourceItem> {
  const mtime = options.uploadedAt ?? new Date();
  for (const file of files) {
    const path = UPLOAD_SOURCE_PREFIX + file.name;
    const skip = (reason: string, message: string): SourceItem => ({ skip: { path, reason: `${reason}: ${message}` } });
    if (file.bytes.byteLength === 0) {
      yield skip('empty', 'zero bytes');
      continue;
    }
    if (file.bytes.byteLength > options.maxFileBytes) {
      yield skip('too-large', `${file.bytes.byteLength} bytes exceeds the ${options.maxFileBytes}-byte limit (ingest.maxFileBytes)`);
      continue;
    }
    const loader = registry.pick(file.name, file.bytes.subarray(0, SNIFF_BYTES));
    if (!loader) {
      yield looksBinary(file.bytes) ? skip('binary', 'binary content with no loader for it') : skip('unsupported', 'no loader for this file type');
      continue;
    }
    try {
      const documents = await loader.load({ path, relativePath: file.name, bytes: file.bytes, mtime });
      if (documents.length === 0) yield skip('empty', `${loader.name} loader found no documents`);
      for (const document of documents) yield { document: { ...document, metadata: { ...document.metadata, uploaded: true } } };
    } catch (error) {
      if (error instanceof SkipError) yield skip(error.reason, error.detail);
      else yield skip('corrupt', `${loader.name} loader failed: ${(error as Error).message}`);
    }
  }
}
