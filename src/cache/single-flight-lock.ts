import { createHash } from 'node:crypto';

/** PostgreSQL's SQLSTATE for lock_timeout expiry (lock_not_available). */
export const LOCK_NOT_AVAILABLE = '55P03';

/** A signed 64-bit advisory-lock key (as text for `::bigint`) derived from a cache key. */
export function advisoryLockKey(key: string): string {
  const digest = createHash('sha256').update(`groundwork-cache:${key}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/** True when a database error is a lock_timeout expiry. */
export function isLockTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === LOCK_NOT_AVAILABLE;
}
