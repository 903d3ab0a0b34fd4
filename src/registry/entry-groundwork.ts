import type { Config, ConfigInput } from '../config/schema.js';
import { createGroundwork, type Groundwork, type GroundworkPlugins } from '../groundwork.js';
import { applyOverrides } from './config-overrides.js';
import type { RegistryEntry } from './registry-store.js';

/**
 * Builds Groundwork for a set of registry entries: the base configuration with each entry's
 * overrides, on the base's database (one store, one set of tenants). The base's embedder and
 * reranker are reused when no override touches `models` (loading a local model costs seconds and
 * memory); any other component follows the merged configuration.
 */
export async function groundworkForOverrides(base: Groundwork, overrides: ReadonlyArray<ConfigInput>, plugins: GroundworkPlugins = {}): Promise<Groundwork> {
  const config: Readonly<Config> = applyOverrides(base.config, ...overrides);
  const touchesModels = overrides.some((o) => o.models !== undefined);
  const reuse: GroundworkPlugins = touchesModels ? {} : { ...(base.embedder ? { embedder: base.embedder } : {}), ...(base.reranker ? { reranker: base.reranker } : {}) };
  const gw = await createGroundwork({ config, db: base.db, ...reuse, ...plugins });
  if (touchesModels) return gw;
  // The reused models belong to the base: closing this instance must not close them.
  return { ...gw, close: async () => gw.cache.close() };
}

/** Groundwork instances per entry set, built on first use and kept until close(). */
export interface EntryGroundworks {
  get(entries: readonly RegistryEntry[], key: string): Promise<Groundwork>;
  close(): Promise<void>;
}

/** A cache of Groundwork per entry set over one base (the serving path's arms). */
export function createEntryGroundworks(base: Groundwork): EntryGroundworks {
  const built = new Map<string, Promise<Groundwork>>();
  return {
    get(entries, key) {
      if (key === '') return Promise.resolve(base);
      let gw = built.get(key);
      if (!gw) {
        gw = groundworkForOverrides(
          base,
          entries.map((e) => e.overrides),
        );
        // A failed build is not cached: the next request tries again (and fails loudly again).
        gw.catch(() => built.delete(key));
        built.set(key, gw);
      }
      return gw;
    },
    async close() {
      const all = [...built.values()];
      built.clear();
      for (const gw of all) await (await gw.catch(() => undefined))?.close();
    },
  };
}
