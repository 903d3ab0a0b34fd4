import { isTenantName, TENANT_NAME_RULE } from '../config/tenant-name.js';
import { UsageError } from './output.js';
import { RETRIEVAL_MODES } from '../retrieve/retrieval-modes.js';
import type { RetrievalMode } from '../retrieve/types.js';

/** Parses a positive integer flag value, naming the flag when it is not one. */
export function intOption(flag: string, min = 1, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${value}"`);
    return n;
  };
}

/** Parses a number flag value in [min, max]. */
export function numberOption(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${flag} must be a number from ${min} to ${max}, got "${value}"`);
    return n;
  };
}

/** Collects a repeatable flag into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Checks a retrieval mode flag against the built-in modes (src/retrieve/retrieval-modes.ts). */
export function modeOption(value: string): RetrievalMode {
  const modes: readonly string[] = RETRIEVAL_MODES;
  if (!modes.includes(value)) throw new UsageError(`--mode must be ${modes.slice(0, -1).join(', ')} or ${modes.at(-1)}, got "${value}"`);
  return value as RetrievalMode;
}

/** Checks a `--tenant` flag value against the one tenant-name rule (src/config/tenant-name.ts). */
export function tenantOption(value: string): string {
  if (!isTenantName(value)) throw new UsageError(`--tenant must be ${TENANT_NAME_RULE}, got ${JSON.stringify(value)}`);
  return value;
}
