import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configSchema, type Config, type ConfigInput } from './schema.js';

type EnvKind = 'string' | 'number' | 'boolean';

/** Environment variables and the config keys they set. */
export const ENV_KEYS: ReadonlyArray<{ env: string; path: string[]; kind: EnvKind }> = [
  { env: 'GROUNDWORK_DATA_DIR', path: ['dataDir'], kind: 'string' },
  { env: 'DATABASE_URL', path: ['databaseUrl'], kind: 'string' },
  { env: 'GROUNDWORK_MODELS_DIR', path: ['modelsDir'], kind: 'string' },
  { env: 'GROUNDWORK_TENANT', path: ['tenant'], kind: 'string' },
  { env: 'GROUNDWORK_LOG_LEVEL', path: ['logLevel'], kind: 'string' },
  { env: 'GROUNDWORK_CHUNKER', path: ['ingest', 'chunker'], kind: 'string' },
  { env: 'GROUNDWORK_CHUNK_SIZE', path: ['ingest', 'chunkSize'], kind: 'number' },
  { env: 'GROUNDWORK_CHUNK_OVERLAP', path: ['ingest', 'chunkOverlap'], kind: 'number' },
  { env: 'GROUNDWORK_RETRIEVE_MODE', path: ['retrieve', 'mode'], kind: 'string' },
  { env: 'GROUNDWORK_BM25_K1', path: ['retrieve', 'k1'], kind: 'number' },
  { env: 'GROUNDWORK_BM25_B', path: ['retrieve', 'b'], kind: 'number' },
  { env: 'GROUNDWORK_EMBEDDER', path: ['models', 'embedder', 'provider'], kind: 'string' },
  { env: 'GROUNDWORK_EMBEDDER_MODEL', path: ['models', 'embedder', 'model'], kind: 'string' },
  { env: 'GROUNDWORK_EMBEDDER_BASE_URL', path: ['models', 'embedder', 'baseUrl'], kind: 'string' },
  { env: 'GROUNDWORK_DEVICE', path: ['models', 'embedder', 'device'], kind: 'string' },
  { env: 'GROUNDWORK_RERANKER', path: ['models', 'reranker', 'provider'], kind: 'string' },
  { env: 'GROUNDWORK_RERANKER_MODEL', path: ['models', 'reranker', 'model'], kind: 'string' },
  { env: 'GROUNDWORK_CHAT_PROVIDER', path: ['generate', 'provider'], kind: 'string' },
  { env: 'GROUNDWORK_CHAT_MODEL', path: ['generate', 'model'], kind: 'string' },
  { env: 'GROUNDWORK_CHAT_BASE_URL', path: ['generate', 'baseUrl'], kind: 'string' },
  { env: 'GROUNDWORK_PORT', path: ['server', 'port'], kind: 'number' },
  { env: 'GROUNDWORK_HOST', path: ['server', 'host'], kind: 'string' },
  { env: 'GROUNDWORK_AUTH', path: ['server', 'auth'], kind: 'boolean' },
  { env: 'REDIS_URL', path: ['cache', 'redisUrl'], kind: 'string' },
  { env: 'GROUNDWORK_CACHE', path: ['cache', 'enabled'], kind: 'boolean' },
  { env: 'GROUNDWORK_REFUSAL_THRESHOLD', path: ['generate', 'refusalThreshold'], kind: 'number' },
];

/** Default config file looked up in the working directory (GROUNDWORK_CONFIG overrides). */
export const CONFIG_FILE_NAME = 'groundwork.config.json';

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  /** Explicit config file; else GROUNDWORK_CONFIG; else ./groundwork.config.json when present. */
  file?: string;
  /** Values that win over file and environment (CLI flags, createGroundwork arguments). */
  overrides?: ConfigInput;
  cwd?: string;
}

/**
 * Resolves the configuration once: file, then environment, then explicit overrides.
 * The result is deeply frozen. A bad value throws ConfigError naming the key, the value and what
 * was expected.
 */
export function loadConfig(options: LoadConfigOptions = {}): Readonly<Config> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let merged: Record<string, unknown> = {};

  const file = options.file ?? env.GROUNDWORK_CONFIG ?? (existsSync(resolve(cwd, CONFIG_FILE_NAME)) ? CONFIG_FILE_NAME : undefined);
  if (file) merged = deepMerge(merged, readConfigFile(resolve(cwd, file)));

  for (const { env: name, path, kind } of ENV_KEYS) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    merged = deepMerge(merged, nest(path, fromEnv(name, raw, kind)));
  }
  if (options.overrides) merged = deepMerge(merged, options.overrides as Record<string, unknown>);
  return parseConfig(merged);
}

/** Validates a plain object against the schema; throws ConfigError for the first problem. */
export function parseConfig(input: unknown): Readonly<Config> {
  const result = configSchema.safeParse(input);
  if (!result.success) throw toConfigError(result.error, input);
  return deepFreeze(result.data);
}

function toConfigError(error: z.ZodError, input: unknown): ConfigError {
  const issue = error.issues[0];
  const key = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  let value: unknown = input;
  for (const part of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[part as PropertyKey];
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys: string[] }).keys;
    return new ConfigError(key === '(root)' ? keys.join(', ') : `${key}.${keys.join(', ')}`, value, 'no such key (see README, Configuration)');
  }
  return new ConfigError(key, value, issue.message);
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('GROUNDWORK_CONFIG', path, `a readable JSON config file (${(error as Error).message})`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(path, text.slice(0, 80), `a JSON object (${(error as Error).message})`);
  }
}

function fromEnv(name: string, raw: string, kind: EnvKind): unknown {
  if (kind === 'string') return raw;
  if (kind === 'number') {
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new ConfigError(name, raw, 'a number');
    return value;
  }
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, raw, 'true or false');
}

function nest(path: string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Merges `extra` into `base` (plain objects key by key, anything else replaced); neither is changed. */
export function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key] as Record<string, unknown>, value) : value;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
