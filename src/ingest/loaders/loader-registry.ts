import { extname } from 'node:path';
import { ConfigError } from '../../errors.js';
import type { Loader } from '../types.js';
import { looksBinary } from './decode-text.js';

/** Picks the loader for a file; immutable (`with` returns a new registry). */
export interface LoaderRegistry {
  readonly loaders: readonly Loader[];
  /** A registry with `loader` added; it takes precedence for its extensions. */
  with(loader: Loader): LoaderRegistry;
  /**
   * The loader for `path` whose first bytes are `head`: the extension's loader when its sniff
   * agrees (or it has none); else the first loader whose sniff matches (a wrong extension); else the
   * extension's loader; a file with no extension and text content goes to the loader named 'text'.
   */
  pick(path: string, head: Uint8Array): Loader | undefined;
}

/** Builds a registry from loaders; later loaders win on shared extensions. */
export function createLoaderRegistry(loaders: readonly Loader[]): LoaderRegistry {
  for (const loader of loaders) {
    for (const extension of loader.extensions) {
      if (!/^\.[a-z0-9._-]+$/.test(extension)) throw new ConfigError(`loaders.${loader.name}.extensions`, extension, 'a lowercase extension with its dot, e.g. ".md"');
    }
  }
  const byExtension = new Map<string, Loader>();
  for (const loader of loaders) for (const extension of loader.extensions) byExtension.set(extension, loader);
  const sniffers = [...loaders].reverse().filter((loader) => loader.sniff);
  return {
    loaders,
    with: (loader) => createLoaderRegistry([...loaders, loader]),
    pick(path, head) {
      const extension = extname(path).toLowerCase();
      const byName = extension ? byExtension.get(extension) : undefined;
      if (byName && (!byName.sniff || byName.sniff(head))) return byName;
      const sniffed = sniffers.find((loader) => loader !== byName && loader.sniff?.(head));
      if (sniffed) return sniffed;
      if (byName) return byName;
      if (!extension && !looksBinary(head)) return loaders.find((loader) => loader.name === 'text');
      return undefined;
    },
  };
}
