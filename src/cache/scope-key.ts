import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import type { CacheScope } from './types.js';

/** Embedder part of the scope when the cache has no embedder (exact layer only). */
export const NO_EMBEDDER_KEY = 'none';

/**
 * sha256 over the canonical JSON of the scope and the embedder key. Filters are serialized with
 * sorted keys, so `{a, b}` and `{b, a}` share entries; anything else that differs does not.
 */
export function scopeKey(scope: CacheScope, embedderKey: string = NO_EMBEDDER_KEY): string {
  for (const field of ['tenant', 'answerConfigHash', 'promptTemplateVersion', 'retrievalMode'] as const) {
    if (typeof scope[field] !== 'string' || scope[field].length === 0) throw new InputError(`scope.${field}`, 'must be a non-empty string');
  }
  const canonical = canonicalJson([scope.tenant, scope.answerConfigHash, scope.promptTemplateVersion, scope.retrievalMode, scope.filters ?? null, embedderKey]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** JSON with object keys sorted at every depth. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
