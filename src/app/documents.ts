/** The document use cases: list, count, look up and delete a tenant's documents. */
import { assertTenantName } from '../config/tenant-name.js';
import { GroundworkError } from '../errors.js';
import { deleteDocuments as deleteStored, recordIndexChange } from '../ingest/document-store.js';
import type { Components } from './components.js';
import type { DocumentPage } from './types.js';
import { readDocumentText } from './read-document-text.js';

type DocumentRow = {
  id: number;
  external_id: string;
  source: string;
  title: string;
  version: number;
  chunk_count: number;
  token_count: number;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
};

/** A page of the tenant's documents, by id: `after` is the last id of the previous page. */
export async function listDocuments(components: Components, request: { tenant?: string; limit: number; after?: number }): Promise<DocumentPage> {
  const tenant = assertTenantName(request.tenant ?? components.config.tenant);
  const { rows } = await components.db.query<DocumentRow>(
    `SELECT id::int AS id, external_id, source, title, version, chunk_count, token_count, metadata, created_at, updated_at
       FROM documents WHERE tenant = $1 AND id > $2 ORDER BY id LIMIT $3`,
    [tenant, request.after ?? 0, request.limit + 1],
  );
  const page = rows.slice(0, request.limit);
  return {
    tenant,
    documents: page.map((r) => ({
      id: r.id,
      externalId: r.external_id,
      source: r.source,
      title: r.title,
      version: r.version,
      chunkCount: r.chunk_count,
      tokenCount: r.token_count,
      metadata: r.metadata,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    })),
    nextAfter: rows.length > request.limit ? page[page.length - 1].id : null,
  };
}

/** How many documents the tenant holds. */
export async function countDocuments(components: Components, tenant?: string): Promise<number> {
  const { rows } = await components.db.query<{ count: number }>('SELECT count(*)::int AS count FROM documents WHERE tenant = $1', [assertTenantName(tenant ?? components.config.tenant)]);
  return rows[0].count;
}

/** Which of these external ids the tenant holds. */
export async function knownExternalIds(components: Components, tenant: string, externalIds: string[]): Promise<Set<string>> {
  const { rows } = await components.db.query<{ external_id: string }>('SELECT external_id FROM documents WHERE tenant = $1 AND external_id = ANY($2::text[])', [
    assertTenantName(tenant),
    externalIds,
  ]);
  return new Set(rows.map((r) => r.external_id));
}

/**
 * Deletes one of the tenant's documents, its chunks and index statistics in one transaction, and
 * the cached answers that cite it. Another tenant's id is NOT_FOUND, as is a missing one.
 */
export async function deleteDocument(components: Components, tenant: string | undefined, id: number): Promise<{ deleted: number; tenant: string; indexVersion: number }> {
  const owner = assertTenantName(tenant ?? components.config.tenant);
  const indexVersion = await components.db.transaction(async (tx) => {
    const result = await deleteStored(tx, owner, [id]);
    if (result.deleted.length === 0) throw new GroundworkError('NOT_FOUND', `document ${id} does not exist`, { details: { id } });
    return recordIndexChange(tx, owner, result.chunkDelta, result.lengthDelta);
  });
  await components.cache.invalidateDocuments(owner, [id]);
  return { deleted: id, tenant: owner, indexVersion: Number(indexVersion) };
}

/** A document's text as indexed (its chunks joined at their offsets); undefined when the tenant has no such id. */
export async function readDocument(components: Components, tenant: string | undefined, id: number): Promise<{ title: string; source: string; externalId: string; text: string } | undefined> {
  return readDocumentText(components.db, assertTenantName(tenant ?? components.config.tenant), id);
}
