import type { Queryable } from '../db/types.js';
import { InputError } from '../errors.js';

/**
 * Deletes every cache entry in PostgreSQL, or one tenant's (`groundwork cache clear [--tenant]`).
 * Redis copies of the exact layer are unreachable afterwards: every Redis hit is confirmed
 * against the PostgreSQL row. Returns the number of entries deleted.
 */
export async function clearCache(db: Queryable, options: { tenant?: string } = {}): Promise<{ deleted: number }> {
  if (options.tenant !== undefined && (typeof options.tenant !== 'string' || options.tenant.length === 0)) throw new InputError('tenant', 'must be a non-empty string');
  const result = options.tenant === undefined
    ? await db.query('DELETE FROM cache_entries RETURNING id')
    : await db.query('DELETE FROM cache_entries WHERE tenant = $1 RETURNING id', [options.tenant]);
  return { deleted: result.rows.length };
}
