import { open } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { neutralizeMarkup } from '../../neutralize-markup.js';
import type { LoadedDocument } from '../types.js';
import type { LoaderRegistry } from './loader-registry.js';
import { SkipError, type LoadSkip } from './load-skip.js';
import { looksBinary } from './decode-text.js';

/** 50 MB: larger files are skipped as 'too-large' unless the limit is raised (ingest.maxFileBytes). */
export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Bytes handed to loaders' sniff functions. */
const SNIFF_BYTES = 4096;

/** What loading one file gave: documents, or a skip with its reason. */
export type LoadResult = { ok: true; loader: string; documents: LoadedDocument[] } | { ok: false; skip: LoadSkip };

/**
 * Reads one file and runs the registry's loader on it. Never throws for bad input: unreadable,
 * empty, oversized, binary, encrypted, corrupt or malformed files come back as skips with a reason.
 */
export async function loadFile(
  file: { path: string; relativePath: string },
  registry: LoaderRegistry,
  options: { maxFileBytes?: number } = {},
): Promise<LoadResult> {
  const { path, relativePath } = file;
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const skip = (reason: LoadSkip['reason'], message: string): LoadResult => ({ ok: false, skip: { path, reason, message } });
  let bytes: Uint8Array;
  let mtime: Date;
  try {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) return skip('unreadable', 'not a regular file');
      if (stat.size > maxFileBytes) return skip('too-large', `${stat.size} bytes exceeds the ${maxFileBytes}-byte limit (ingest.maxFileBytes)`);
      if (stat.size === 0) return skip('empty', 'zero bytes');
      mtime = stat.mtime;
      bytes = new Uint8Array(await handle.readFile());
    } finally {
      await handle.close();
    }
  } catch (error) {
    return skip('unreadable', (error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
  return loadBytes({ path, relativePath, bytes, mtime }, registry);
}

/**
 * Runs the registry's loader on bytes already in memory (a file read by loadFile, an HTTP upload):
 * picks the loader by name and first bytes; binary, unsupported, empty, malformed or corrupt
 * content comes back as a skip with its reason, never as an error.
 */
export async function loadBytes(file: { path: string; relativePath: string; bytes: Uint8Array; mtime: Date }, registry: LoaderRegistry): Promise<LoadResult> {
  const { path, bytes } = file;
  const skip = (reason: LoadSkip['reason'], message: string): LoadResult => ({ ok: false, skip: { path, reason, message } });
  if (bytes.byteLength === 0) return skip('empty', 'zero bytes');
  const loader = registry.pick(path, bytes.subarray(0, SNIFF_BYTES));
  if (!loader) {
    return looksBinary(bytes) ? skip('binary', 'binary content with no loader for it') : skip('unsupported', 'no loader for this file type');
  }
  try {
    const documents = await loader.load(file);
    if (documents.length === 0) return skip('empty', `${loader.name} loader found no documents`);
    return { ok: true, loader: loader.name, documents: documents.map((document) => asData(document, file)) };
  } catch (error) {
    if (error instanceof SkipError) return { ok: false, skip: error.toSkip() };
    // A parser library failing on this file's bytes: the file is corrupt for us, the run goes on.
    return skip('corrupt', `${loader.name} loader failed: ${(error as Error).message}`);
  }
}

/**
 * A loaded document as groundwork keeps it, whatever loader made it: a source that names the file
 * by its path relative to the ingest root (the absolute path kept apart as `location`, so server
 * paths never reach users), and a title that carries no live markup.
 */
function asData(document: LoadedDocument, file: { path: string; relativePath: string }): LoadedDocument {
  const title = neutralizeMarkup(document.title);
  // Only a file on disk has a server path to hide; an upload's source (upload:<name>) stays as it is.
  if (!isAbsolute(file.path) || !document.source.startsWith(file.path)) return { ...document, title };
  return { ...document, title, source: file.relativePath + document.source.slice(file.path.length), location: document.location ?? document.source };
}
