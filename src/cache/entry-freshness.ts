import type { Queryable } from '../db/types.js';
import type { DocumentRef } from './types.js';

/**
 * SQL expression, for an entry aliased `e`, that is true when some document the entry used is
 * gone or at another version. Shared by every read so no path can skip the check.
 */
export const STALE_ENTRY_SQL = `EXISTS (
  SELECT 1 FROM cache_entry_documents ced
  LEFT JOIN documents doc ON doc.id = ced.document_id AND doc.tenant = ced.tenant AND doc.version = ced.document_version
  WHERE ced.entry_id = e.id AND doc.id IS NULL)`;

/** True when every referenced document still exists in the tenant at the recorded version. */
export async function documentsCurrent(db: Queryable, tenant: string, documents: DocumentRef[]): Promise<boolean> {
  if (documents.length === 0) return true;
  const result = await db.query<{ current: number }>(
    `SELECT count(*)::int AS current FROM documents d
     JOIN unnest($2::bigint[], $3::int[]) AS r(id, version) ON d.id = r.id AND d.version = r.version
     WHERE d.tenant = $1`,
    [tenant, documents.map((d) => d.id), documents.map((d) => d.version)],
  );
  return result.rows[0].current === new Set(documents.map((d) => d.id)).size;
}
