import { ConfigError, GroundworkError } from '../errors.js';
import type { Db } from '../db/types.js';

/** pgvector's HNSW limit on vector dimensions. */
export const MAX_HNSW_DIMENSIONS = 2000;
/** Advisory-lock key that serializes index creation across processes (any constant, same everywhere). */
const REGISTRY_LOCK_KEY = 727_271_004;

/** A registered cache embedder: the integer id and dimension that index names and casts are built from. */
export interface CacheEmbedderRow {
  id: number;
  key: string;
  dimensions: number;
}

/** `<model id>@<revision>`: what the cache calls an embedder. */
export function cacheEmbedderKey(embedder: { id: string; revision: string }): string {
  return `${embedder.id}@${embedder.revision}`;
}

/**
 * Name of an embedder's HNSW index. The index is over `embedding::halfvec(<dims>)`: half the size
 * of a float index (112 MB instead of 195 MB at 100k 384-dim entries), so the graph pages a lookup
 * walks stay in shared buffers; candidates are re-scored at full precision (postgres-cache-store).
 */
export function cacheHnswIndexName(embedderId: number): string {
  if (!Number.isInteger(embedderId) || embedderId < 1) throw new TypeError(`cache embedder id ${embedderId} is not a positive integer`);
  return `cache_entries_hnsw_half_${embedderId}`;
}

/**
 * Registers an embedder for the semantic layer and creates its HNSW index when `hnsw` is true:
 * a partial expression index over `embedding::halfvec(<dims>)` for rows of that embedder (the
 * float `cache_entries_hnsw_<id>` index of earlier versions is dropped). The DDL is built from the
 * registry's integer id and the validated integer dimension, never from text.
 */
export async function registerCacheEmbedder(db: Db, key: string, dimensions: number, options: { hnsw: boolean }): Promise<CacheEmbedderRow> {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > MAX_HNSW_DIMENSIONS) {
    throw new ConfigError('embedder.dimensions', dimensions, `an integer from 1 to ${MAX_HNSW_DIMENSIONS} (pgvector HNSW limit) for the semantic cache`);
  }
  return db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [REGISTRY_LOCK_KEY]);
    await tx.query('INSERT INTO cache_embedders (embedder_key, dimensions) VALUES ($1, $2) ON CONFLICT (embedder_key) DO NOTHING', [key, dimensions]);
    const row = (await tx.query<{ id: number; dimensions: number }>('SELECT id, dimensions FROM cache_embedders WHERE embedder_key = $1', [key])).rows[0];
    if (row.dimensions !== dimensions) {
      throw new GroundworkError('EMBEDDER_MISMATCH', `cache embedder ${key} was registered with ${row.dimensions} dimensions, now reports ${dimensions}; clear the cache or fix the embedder revision`, { details: { key, registered: row.dimensions, dimensions } });
    }
    const id = Number(row.id);
    if (!Number.isInteger(id) || id < 1) throw new GroundworkError('DATABASE', `cache embedder id ${String(row.id)} is not a positive integer`);
    if (options.hnsw) {
      const name = cacheHnswIndexName(id);
      const legacy = `cache_entries_hnsw_${id}`;
      // Look before the DDL: CREATE INDEX IF NOT EXISTS takes a SHARE lock on the table (blocking
      // cache writes) even when the index exists, and registration runs once per process.
      const present = (await tx.query<{ index: string | null; legacy: string | null }>('SELECT to_regclass($1)::text AS index, to_regclass($2)::text AS legacy', [name, legacy])).rows[0];
      if (present.index === null) {
        await tx.exec(`CREATE INDEX IF NOT EXISTS ${name} ON cache_entries USING hnsw ((embedding::halfvec(${dimensions})) halfvec_cosine_ops) WHERE embedder_id = ${id}`);
      }
      if (present.legacy !== null) await tx.exec(`DROP INDEX IF EXISTS ${legacy}`);
    }
    return { id, key, dimensions };
  });
}
