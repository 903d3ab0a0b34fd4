import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { InputError } from '../errors.js';

/**
 * Content hash of a dataset: sha256 over its files in sorted order of their paths relative to
 * `root`, each contributing `path NUL byteLength NUL bytes`, so renaming, reordering or editing a
 * file changes the hash and the absolute location does not. Returned as `sha256:<hex>`.
 */
export async function hashDatasetFiles(root: string, files: readonly string[]): Promise<string> {
  if (files.length === 0) throw new InputError('files', 'a dataset hash needs at least one file');
  const entries = files
    .map((file) => ({ absolute: resolve(root, file), name: relative(resolve(root), resolve(root, file)).split('\\').join('/') }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hash = createHash('sha256');
  for (const entry of entries) {
    const info = await stat(entry.absolute).catch((error: NodeJS.ErrnoException) => {
      throw new InputError(entry.name, `cannot read dataset file ${entry.absolute}: ${error.code ?? error.message}`);
    });
    hash.update(`${entry.name}\0${info.size}\0`);
    for await (const chunk of createReadStream(entry.absolute)) hash.update(chunk as Buffer);
  }
  return `sha256:${hash.digest('hex')}`;
}
