import type { Db } from '../db/types.js';

/** The tenants of a store that hold documents, most documents first. */
export async function tenantsWithDocuments(db: Db): Promise<Array<{ tenant: string; documents: number }>> {
  const { rows } = await db.query<{ tenant: string; documents: number }>(
    'SELECT tenant, count(*)::int AS documents FROM documents GROUP BY tenant ORDER BY count(*) DESC, tenant LIMIT 20',
  );
  return rows;
}

/**
 * When `tenant` holds no documents, a sentence that says so and names the store and the tenants
 * that do hold documents; undefined otherwise. For the CLI only (its user owns the whole store):
 * the HTTP service never names one tenant to another.
 * @example await emptyTenantNotice(gw.db, 'default') // 'tenant "default" holds no documents in ./.groundwork; tenants with documents: demo (13). Pass --tenant demo.'
 */
export async function emptyTenantNotice(db: Db, tenant: string): Promise<string | undefined> {
  const { rows } = await db.query<{ present: boolean }>('SELECT EXISTS (SELECT 1 FROM documents WHERE tenant = $1) AS present', [tenant]);
  if (rows[0]?.present) return undefined;
  const others = await tenantsWithDocuments(db);
  const where = `tenant "${tenant}" holds no documents in ${db.location}`;
  if (others.length === 0) return `${where}, and no tenant does: ingest some first (\`groundwork ingest <path> --tenant ${tenant}\`), or set GROUNDWORK_DATA_DIR / DATABASE_URL to the store that holds them`;
  const list = others.map((row) => `${row.tenant} (${row.documents})`).join(', ');
  return `${where}; tenants with documents: ${list}. Pass --tenant ${others[0].tenant}`;
}
