import { defaultLoaders } from './loaders/default-loaders.js';
import { loadFile } from './loaders/load-file.js';
import { createLoaderRegistry } from './loaders/loader-registry.js';
import type { CsvOptions } from './loaders/csv-loader.js';
import type { JsonFieldMapping } from './loaders/json-loader.js';
import type { SourceItem } from './pipeline.js';
import type { Loader } from './types.js';
import { walkFiles } from './walk-files.js';

export interface LoadSourcesOptions {
  include?: string[];
  exclude?: string[];
  respectGitignore?: boolean;
  maxFileBytes: number;
  json?: JsonFieldMapping;
  csv?: CsvOptions;
  /** Your own loaders; they take precedence over the built-in ones for their extensions. */
  loaders?: Loader[];
}

/**
 * Walks the roots (globs, .gitignore-style ignores, symlinks kept inside the roots) and loads each
 * file with the loader its extension and content call for. Files that cannot be loaded come back
 * as skips with their reason; nothing throws for bad input.
 */
export async function* loadSources(roots: string[], options: LoadSourcesOptions): AsyncGenerator<SourceItem> {
  const registry = createLoaderRegistry([...defaultLoaders({ json: options.json, csv: options.csv }), ...(options.loaders ?? [])]);
  for await (const entry of walkFiles(roots, { include: options.include, exclude: options.exclude, respectGitignore: options.respectGitignore })) {
    if (entry.kind === 'skipped') {
      yield { skip: { path: entry.path, reason: `${entry.reason}: ${entry.message}` } };
      continue;
    }
    const result = await loadFile(entry, registry, { maxFileBytes: options.maxFileBytes });
    if (!result.ok) {
      yield { skip: { path: result.skip.path, reason: `${result.skip.reason}: ${result.skip.message}` } };
      continue;
    }
    for (const document of result.documents) yield { document };
  }
}
