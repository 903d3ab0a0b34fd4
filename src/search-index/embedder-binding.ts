import type { Db, Queryable } from '../db/types.js';
import { HNSW_MAX_HALFVEC_DIMENSIONS, indexVectorType } from '../db/vector-param.js';
import { GroundworkError } from '../errors.js';
import type { Embedder } from '../models/types.js';

export interface RegisteredEmbedder {
  id: number;
  modelId: string;
  revision: string;
  dimensions: number;
  /** Precision of the weights that built the index (local models), when recorded. */
  dtype?: string;
}

/**
 * Registers an embedder (model id, revision, dimensions) and creates its HNSW index: a partial
 * expression index over chunk_embeddings, built from validated integers only. On a PostgreSQL
 * server the index is over half-precision copies of the vectors (`halfvec`): half the size of a
 * float index, so at 100k 384-dimension chunks it stays in shared buffers far better (dense p95
 * 3.9-4.6 ms against 7.5-27 ms, bench/retrieval-latency.ts); the dense leg re-scores the index's
 * candidates at full precision. PGlite keeps the float index: its WebAssembly build converts
 * half floats in software, which made inserts into a halfvec index 8x slower (measured). The
 * server's float index of earlier versions (`chunk_embeddings_hnsw_<id>`) is dropped once the
 * half one exists.
 */
export async function registerEmbedder(db: Db, embedder: Pick<Embedder, 'id' | 'revision' | 'dimensions'> & { dtype?: string }): Promise<RegisteredEmbedder> {
  const dimensions = embedder.dimensions;
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > HNSW_MAX_HALFVEC_DIMENSIONS) {
    throw new GroundworkError('CONFIG', `embedder ${embedder.id} has ${dimensions} dimensions; groundwork indexes 1 to ${HNSW_MAX_HALFVEC_DIMENSIONS}`);
  }
  const { rows } = await db.query<{ id: number }>(
    // An index registered before its dtype was recorded (migration 0013) gets it now.
    `INSERT INTO embedders (model_id, revision, dimensions, dtype) VALUES ($1, $2, $3, $4)
     ON CONFLICT (model_id, revision, dimensions) DO UPDATE SET dtype = COALESCE(embedders.dtype, EXCLUDED.dtype) RETURNING id`,
    [embedder.id, embedder.revision, dimensions, embedder.dtype ?? null],
  );
  const id = rows[0].id;
  if (!Number.isInteger(id) || id < 1) throw new GroundworkError('DATABASE', `embedders returned a bad id ${String(id)}`);
  // Look before the DDL: CREATE INDEX IF NOT EXISTS locks the table against writes even when the
  // index exists, and registration runs at every bind.
  const index = hnswIndexName(id, db.kind);
  const legacy = db.kind === 'postgres' ? hnswIndexName(id, 'pglite') : null;
  const present = (await db.query<{ index: string | null; legacy: string | null }>('SELECT to_regclass($1)::text AS index, to_regclass($2)::text AS legacy', [index, legacy])).rows[0];
  if (present.index === null) await db.exec(hnswIndexSql(id, dimensions, db.kind));
  if (legacy !== null && present.legacy !== null) await db.exec(`DROP INDEX IF EXISTS ${legacy}`);
  return { id, modelId: embedder.id, revision: embedder.revision, dimensions, ...(embedder.dtype ? { dtype: embedder.dtype } : {}) };
}

/** The name of an embedder's HNSW index: `_half_` on a PostgreSQL server. */
export function hnswIndexName(embedderId: number, kind: Db['kind']): string {
  if (!Number.isInteger(embedderId) || embedderId < 1) throw new TypeError(`embedder id ${embedderId} is not a positive integer`);
  return kind === 'postgres' ? `chunk_embeddings_hnsw_half_${embedderId}` : `chunk_embeddings_hnsw_${embedderId}`;
}

/** The index DDL; only integers are interpolated, and they are checked above. */
export function hnswIndexSql(embedderId: number, dimensions: number, kind: Db['kind']): string {
  const type = indexVectorType(dimensions, kind);
  return `CREATE INDEX IF NOT EXISTS ${hnswIndexName(embedderId, kind)} ON chunk_embeddings
    USING hnsw ((embedding::${type}(${dimensions})) ${type}_cosine_ops) WHERE embedder_id = ${embedderId}`;
}

/** The SQL expression that the dense leg orders by, matching the index above. */
export function distanceSql(dimensions: number, parameter: string, kind: Db['kind']): string {
  const type = indexVectorType(dimensions, kind);
  return `(ce.embedding::${type}(${dimensions})) <=> (${parameter}::vector(${dimensions})::${type}(${dimensions}))`;
}

/** Full-precision cosine distance, for re-scoring the index's candidates. */
export function exactDistanceSql(dimensions: number, parameter: string): string {
  return `(ce.embedding::vector(${dimensions})) <=> (${parameter}::vector(${dimensions}))`;
}

export interface TenantEmbedders {
  active?: RegisteredEmbedder;
  building?: RegisteredEmbedder;
}

/** The embedder that serves a tenant's queries, and the one a --reembed is building, if any. */
export async function tenantEmbedders(db: Queryable, tenant: string): Promise<TenantEmbedders> {
  const { rows } = await db.query<{ role: string; id: number; model_id: string; revision: string; dimensions: number; dtype: string | null }>(
    `SELECT 'active' AS role, e.id, e.model_id, e.revision, e.dimensions, e.dtype FROM tenant_embedders t JOIN embedders e ON e.id = t.active_embedder_id WHERE t.tenant = $1
     UNION ALL
     SELECT 'building', e.id, e.model_id, e.revision, e.dimensions, e.dtype FROM tenant_embedders t JOIN embedders e ON e.id = t.building_embedder_id WHERE t.tenant = $1`,
    [tenant],
  );
  const out: TenantEmbedders = {};
  for (const r of rows) {
    out[r.role as 'active' | 'building'] = { id: r.id, modelId: r.model_id, revision: r.revision, dimensions: r.dimensions, ...(r.dtype ? { dtype: r.dtype } : {}) };
  }
  return out;
}

function describe(e: { modelId?: string; id?: string | number; dimensions: number; revision?: string; dtype?: string }): string {
  return `${e.modelId ?? e.id} (revision ${e.revision ?? '?'}, ${e.dimensions} dimensions${e.dtype ? `, ${e.dtype}` : ''})`;
}

/** True when a configured embedder is the registered one. */
export function sameEmbedder(registered: RegisteredEmbedder, embedder: Pick<Embedder, 'id' | 'revision' | 'dimensions'>): boolean {
  return registered.modelId === embedder.id && registered.revision === embedder.revision && registered.dimensions === embedder.dimensions;
}

/**
 * Which embedder id ingest writes with. The first embedding write binds the tenant; a different
 * embedder is refused unless `reembed` builds it beside the active one (a shadow index).
 */
export async function bindEmbedderForIngest(db: Db, tenant: string, embedder: Embedder, reembed: boolean): Promise<{ embedderId: number; role: 'active' | 'building' }> {
  const registered = await registerEmbedder(db, embedder);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`groundwork-embedder:${tenant}`]);
    const current = await tenantEmbedders(tx, tenant);
    if (!current.active) {
      await tx.query('INSERT INTO tenant_embedders (tenant, active_embedder_id) VALUES ($1, $2)', [tenant, registered.id]);
      return { embedderId: registered.id, role: 'active' as const };
    }
    if (current.active.id === registered.id) return { embedderId: registered.id, role: 'active' as const };
    if (!reembed) {
      throw new GroundworkError(
        'EMBEDDER_MISMATCH',
        `tenant ${tenant} is indexed with ${describe(current.active)}, but the configured embedder is ${describe({ ...registered })}. ` +
          'Run `groundwork ingest --reembed <path>` to build the new index beside the old one and switch, or configure the original embedder.',
        { details: { tenant, indexed: current.active, configured: registered } },
      );
    }
    await tx.query('UPDATE tenant_embedders SET building_embedder_id = $2, updated_at = now() WHERE tenant = $1', [tenant, registered.id]);
    return { embedderId: registered.id, role: 'building' as const };
  });
}

/** Makes the building embedder active in one statement, then drops the old embeddings. */
export async function switchToBuildingEmbedder(db: Db, tenant: string): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ old: number }>(
      `UPDATE tenant_embedders t SET active_embedder_id = t.building_embedder_id, building_embedder_id = NULL, updated_at = now()
         FROM (SELECT active_embedder_id AS old FROM tenant_embedders WHERE tenant = $1 FOR UPDATE) prev
        WHERE t.tenant = $1 AND t.building_embedder_id IS NOT NULL RETURNING prev.old`,
      [tenant],
    );
    if (rows[0]) await tx.query('DELETE FROM chunk_embeddings WHERE tenant = $1 AND embedder_id = $2', [tenant, rows[0].old]);
  });
}

/**
 * Checks that queries are embedded by the embedder that built the tenant's index.
 * Returns the registered embedder, or undefined when the tenant has no dense index.
 */
export async function checkQueryEmbedder(db: Queryable, tenant: string, embedder: Embedder | undefined): Promise<RegisteredEmbedder | undefined> {
  const { active } = await tenantEmbedders(db, tenant);
  if (!active || !embedder) return undefined;
  if (active.modelId !== embedder.id || active.dimensions !== embedder.dimensions) {
    throw new GroundworkError(
      'EMBEDDER_MISMATCH',
      `tenant ${tenant}'s index was built by ${describe(active)}; queries embedded by ${embedder.id} (${embedder.dimensions} dimensions) cannot search it. ` +
        'Configure the original embedder, or re-embed with `groundwork ingest --reembed`.',
      { details: { tenant, indexed: active, query: { id: embedder.id, dimensions: embedder.dimensions } } },
    );
  }
  await checkQueryPrecision(tenant, active, embedder);
  return active;
}

/**
 * The same model at another precision (an index built with fp32, queries embedded with q8) may
 * search the index only when the two pass the embedder's parity check (cosine >= 0.999 on fixed
 * probe texts, measured once per process). An embedder that cannot run the check is refused.
 */
async function checkQueryPrecision(tenant: string, active: RegisteredEmbedder, embedder: Embedder): Promise<void> {
  if (!active.dtype || !embedder.dtype || active.dtype === embedder.dtype) return;
  const mismatch = (reason: string, parity?: unknown): GroundworkError =>
    new GroundworkError(
      'EMBEDDER_MISMATCH',
      `tenant ${tenant}'s index was built by ${describe(active)}; queries are embedded at ${embedder.dtype}, and ${reason}. ` +
        `Configure dtype "${active.dtype}" for queries, or re-embed with \`groundwork ingest --reembed\`.`,
      { details: { tenant, indexed: active, query: { id: embedder.id, dtype: embedder.dtype }, ...(parity ? { parity } : {}) } },
    );
  if (!embedder.parityWith) throw mismatch(`${embedder.id} cannot check parity between precisions`);
  const parity = await embedder.parityWith(active.dtype);
  if (!parity.compatible) {
    throw mismatch(`their parity check fails (lowest cosine ${parity.minCosine.toFixed(5)} over ${parity.texts} probe texts, needs ${parity.threshold})`, parity);
  }
}
