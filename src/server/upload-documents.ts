import { extname } from 'node:path';
import { InputError } from '../errors.js';
import { SkipError } from '../ingest/loaders/load-skip.js';
import { createMarkdownLoader } from '../ingest/loaders/markdown-loader.js';
import { createTextLoader } from '../ingest/loaders/text-loader.js';
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
 * The loaders used for uploads: the given ones first, then Markdown and plain text. Uploads of
 * other formats (PDF, DOCX, HTML ...) are skipped with a reason until their loaders are passed in.
 */
export function uploadLoaders(extra: readonly Loader[] = []): Loader[] {
  return [...extra, createMarkdownLoader(), createTextLoader()];
}

/** Checks an upload's file name (it becomes the document's external id). */
export function checkUploadName(name: string, field: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  if (!SAFE_NAME.test(base) || base === '.' || base === '..') throw new InputError(field, `file name ${JSON.stringify(name)} is empty or not a plain file name`);
  return base;
}

/**
 * Loads uploaded files into source items for `groundwork.ingest`: the loader is picked by
 * extension, else by sniffing the first bytes; files no loader takes are skips with the reason.
 * The file name is the document's external id, so uploading it again updates it.
 */
export async function* uploadedSourceItems(files: readonly UploadedFile[], loaders: readonly Loader[], uploadedAt: Date = new Date()): AsyncGenerator<SourceItem> {
  for (const file of files) {
    const path = UPLOAD_SOURCE_PREFIX + file.name;
    const ext = extname(file.name).toLowerCase();
    const loader = loaders.find((l) => l.extensions.includes(ext)) ?? loaders.find((l) => l.sniff?.(file.bytes.subarray(0, 512)));
    if (!loader) {
      yield { skip: { path, reason: `unsupported file type ${ext || '(none)'}: no loader for it (supported: ${[...new Set(loaders.flatMap((l) => l.extensions))].join(' ')})` } };
      continue;
    }
    try {
      const documents = await loader.load({ path, relativePath: file.name, bytes: file.bytes, mtime: uploadedAt });
      for (const document of documents) yield { document: { ...document, metadata: { ...document.metadata, uploaded: true } } };
    } catch (error) {
      if (error instanceof SkipError) yield { skip: { path, reason: `${error.reason}: ${error.message}` } };
      else throw error;
    }
  }
}
