import type { Queryable } from '../db/types.js';
import { InputError } from '../errors.js';
import { removeEntriesUsingDocuments } from './stores/postgres-cache-store.js';

/**
 * Eagerly deletes the tenant's cache entries that used any of these documents. The ingest
 * pipeline calls it (inside its transaction, if it likes) after replacing or deleting documents.
 * Reads check document versions anyway, so a missed call never serves a stale answer; this
 * frees the space. Returns the number of entries deleted.
 * @example await invalidateDocuments(tx, 'acme', [42])
 */
export async function invalidateDocuments(db: Queryable, tenant: string, documentIds: number[]): Promise<number> {
  if (typeof tenant !== 'string' || tenant.length === 0) throw new InputError('tenant', 'must be a non-empty string');
  for (const id of documentIds) if (!Number.isSafeInteger(id)) throw new InputError('documentIds', `${String(id)} is not an integer document id`);
  return removeEntriesUsingDocuments(db, tenant, documentIds);
}
