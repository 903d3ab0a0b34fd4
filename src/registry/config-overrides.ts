import { deepMerge, parseConfig } from '../config/load-config.js';
import type { Config, ConfigInput } from '../config/schema.js';
import { ConfigError, InputError } from '../errors.js';

/**
 * Config sections an entry may change: what shapes an answer. Where the data lives, the tenant
 * and the server's own settings are the deployment's, not a candidate's.
 */
export const OVERRIDABLE_SECTIONS = ['retrieve', 'generate', 'models', 'router', 'cache', 'eval'] as const;

/**
 * Checks a config override object: a plain object of overridable sections whose values the
 * config schema accepts. Throws InputError naming the key and what was wrong.
 */
export function validateOverrides(overrides: unknown, field = 'overrides'): ConfigInput {
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) throw new InputError(field, 'must be a JSON object of config sections');
  for (const key of Object.keys(overrides)) {
    if (!(OVERRIDABLE_SECTIONS as readonly string[]).includes(key)) throw new InputError(`${field}.${key}`, `is not a section an entry may override (use ${OVERRIDABLE_SECTIONS.join(', ')})`);
  }
  try {
    parseConfig(overrides);
  } catch (error) {
    if (error instanceof ConfigError) throw new InputError(`${field}.${error.key}`, error.message);
    throw error;
  }
  return overrides as ConfigInput;
}

/** The base configuration with overrides applied in order (later wins), validated and frozen again. */
export function applyOverrides(base: Readonly<Config>, ...overrides: ReadonlyArray<ConfigInput | undefined>): Readonly<Config> {
  let merged = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  for (const override of overrides) if (override) merged = deepMerge(merged, override as Record<string, unknown>);
  return parseConfig(merged);
}
