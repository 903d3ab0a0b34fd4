import { ConfigError, GroundworkError } from '../errors.js';
import type { Db } from '../db/types.js';
import { HNSW_MAX_VECTOR_DIMENSIONS, indexVectorType } from '../db/vector-param.js';

/** The cache's limit on dimensions: a float index's (PGlite indexes floats, see indexVectorType). */
export const MAX_HNSW_DIMENSIONS = HNSW_MAX_VECTOR_DIMENSIONS;
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
 * The HNSW graph's build settings: 24 links a node (pgvector's default is 16) and a build-time
 * candidate list of 100 (default 64). The denser graph finds a stored question more often at a
 * smaller search breadth: at 100k random 384-dim entries, ef_search 16 over it finds more than
 * ef_search 40 over the default graph (85% against 80%), with a third fewer index pages read per
 * lookup. Index size is about the same (116 MB against 112 MB); inserts cost more (after an
 * answer was generated, so off the hit path). See bench/cache.ts.
 */
export const CACHE_HNSW_BUILD = { m: 24, efConstruction: 100 } as const;

/**
 * Name of an embedder's HNSW index; it names the vector type and the build settings, so an index
 * of other settings is found and replaced.
 */
export function cacheHnswIndexName(embedderId: number, dimensions: number, kind: Db['kind']): string {
  if (!Number.isInteger(embedderId) || embedderId < 1) throw new TypeError(`cache embedder id ${embedderId} is not a positive integer`);
  return `cache_entries_hnsw_${indexVectorType(dimensions, kind) === 'halfvec' ? 'half_' : ''}m${CACHE_HNSW_BUILD.m}_${embedderId}`;
}

/** Index names of earlier versions: float (`cache_entries_hnsw_<id>`), then halfvec with pgvector's default build. */
function legacyHnswIndexNames(embedderId: number): string[] {
  return [`cache_entries_hnsw_${embedderId}`, `cache_entries_hnsw_half_${embedderId}`];
}

/**
 * Registers an embedder for the semantic layer and creates its HNSW index when `hnsw` is true:
 * a partial expression index over `embedding::<indexVectorType>(<dims>)` for rows of that
 * embedder, built with CACHE_HNSW_BUILD. Indexes of earlier versions are dropped once it exists.
 * The first process of a new version builds the new index (about a minute per 50k entries of 384
 * dimensions on two cores); meanwhile other processes' lookups go on over the old index, while
 * that process's cache calls and every process's cache writes wait for the build. The DDL is
 * built from the registry's integer id and the validated integer dimension, never from text.
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
      const name = cacheHnswIndexName(id, dimensions, db.kind);
      const type = indexVectorType(dimensions, db.kind);
      const legacy = legacyHnswIndexNames(id);
      // Look before the DDL: CREATE INDEX IF NOT EXISTS takes a SHARE lock on the table (blocking
      // cache writes) even when the index exists, and registration runs once per process.
      const present = (await tx.query<{ name: string | null }>('SELECT to_regclass(n)::text AS name FROM unnest($1::text[]) AS n', [[name, ...legacy]])).rows;
      if (present[0].name === null) {
        const { m, efConstruction } = CACHE_HNSW_BUILD;
        await tx.exec(`CREATE INDEX IF NOT EXISTS ${name} ON cache_entries USING hnsw ((embedding::${type}(${dimensions})) ${type}_cosine_ops) WITH (m = ${m}, ef_construction = ${efConstruction}) WHERE embedder_id = ${id}`);
      }
      for (const [i, old] of legacy.entries()) if (present[i + 1].name !== null) await tx.exec(`DROP INDEX IF EXISTS ${old}`);
    }
    return { id, key, dimensions };
  });
}
