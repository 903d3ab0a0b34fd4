import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import type { SourceItem } from './pipeline.js';
import type { Loader } from './types.js';

export interface LoadSourcesOptions {
  include?: string[];
  exclude?: string[];
  maxFileBytes: number;
  /** Extra loaders, tried before the built-in ones. */
  loaders?: Loader[];
}

/**
 * Walks the roots and loads every file into documents (or a skip with its reason).
 * Interim implementation: .md and .txt only, until the loader registry lands.
 */
export async function* loadSources(roots: string[], options: LoadSourcesOptions): AsyncGenerator<SourceItem> {
  for (const root of roots) {
    const info = await stat(root).catch(() => undefined);
    if (!info) {
      yield { skip: { path: root, reason: 'unreadable: no such file or directory' } };
      continue;
    }
    const files = info.isDirectory()
      ? (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).sort()
      : [root];
    const base = info.isDirectory() ? root : join(root, '..');
    for (const path of files) {
      const ext = extname(path).toLowerCase();
      if (ext !== '.md' && ext !== '.txt') {
        yield { skip: { path, reason: `unsupported file type ${ext || '(none)'}` } };
        continue;
      }
      const text = await readFile(path, 'utf8');
      const title = /^#\s+(.+)$/m.exec(text)?.[1]?.trim() ?? basename(path, ext);
      yield { document: { externalId: relative(base, path), source: path, title, text, format: ext === '.md' ? 'markdown' : 'text', metadata: {} } };
    }
  }
}
