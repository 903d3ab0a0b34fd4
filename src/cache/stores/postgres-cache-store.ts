import { statementSettings, type Db, type Queryable } from '../../db/types.js';
import { maintainTables } from '../../db/maintenance.js';
import { indexVectorType, vectorParam } from '../../db/vector-param.js';
import { STALE_ENTRY_SQL } from '../entry-freshness.js';
import type { HitBatch } from '../hit-recorder.js';
import type { CacheEntry, CacheStore, ExactKey, SemanticCandidate } from '../types.js';
import { ENTRY_COLUMNS, ENTRY_HITS_JOIN, ENTRY_JOINS, ENTRY_LAST_HIT_AT, entryFromRow, type EntryRow } from './entry-row.js';

/** An entry read with its freshness, so the cache can drop stale ones. */
export interface CheckedEntry {
  entry: CacheEntry;
  stale: boolean;
}

/** Arguments of a nearest-neighbour search within one scope. */
export interface NearestQuery {
  tenant: string;
  scopeKey: string;
  embedderId: number;
  dimensions: number;
  vector: Float32Array;
  limit: number;
  /** `hnsw` orders by the partial index (iterative scan past filtered rows); `exact` scans the scope. */
  index: 'hnsw' | 'exact';
  /** HNSW candidate list size (pgvector `hnsw.ef_search`, raised to `limit` when below it): recall against time. */
  efSearch: number;
}

/** A nearest-neighbour candidate and whether a document it used changed. */
export type NearestCandidate = SemanticCandidate & { stale: boolean };

/** The PostgreSQL/PGlite store: exact layer, semantic layer, freshness, LRU and TTL. */
export interface PostgresCacheStore extends CacheStore {
  readonly kind: 'postgres';
  /** Exact entry plus whether a document it used changed. */
  getExactChecked(key: ExactKey): Promise<CheckedEntry | undefined>;
  /**
   * Nearest entries of the scope, best first, each with its freshness (one statement). Expired
   * entries are among them (expiry is not in the search's filter, see below): callers check expiresAt.
   */
  nearest(query: NearestQuery): Promise<NearestCandidate[]>;
  /**
   * The exact entry of questionKey, or, only when there is none, the nearest entries: one statement
   * (one round trip) for callers that already hold the question's embedding. The HNSW scan does not
   * run when the exact key exists, whatever its freshness; the caller checks it and, when it cannot
   * be served, asks nearest() itself.
   */
  exactOrNearest(query: NearestQuery & { questionKey: string }): Promise<{ exact?: CheckedEntry; candidates: NearestCandidate[] }>;
  /** Records a hit (LRU clock and count) now; false when the entry no longer exists or went stale. */
  touch(tenant: string, id: string, now: Date): Promise<boolean>;
  /** Adds batched hits to entries that still exist (see hit-recorder.ts); one statement. */
  recordHits(batch: HitBatch[]): Promise<void>;
  putWithEmbedding(entry: CacheEntry, embedding?: { embedderId: number; vector: Float32Array }): Promise<void>;
  /** Deletes expired entries and evicts least recently used ones beyond maxEntries; returns counts. */
  enforceLimits(now: Date, maxEntries: number): Promise<{ expired: number; evicted: number }>;
}

/** The cache's tables, for maintainTables(). */
const CACHE_TABLES = ['cache_entries', 'cache_entry_documents', 'cache_entry_hits'];

/** Creates the PostgreSQL/PGlite cache store over a Db (tables from migrations/0004_cache.sql and 0007_cache_hits.sql). */
export function createPostgresCacheStore(db: Db): PostgresCacheStore {
  const selectEntries = `SELECT ${ENTRY_COLUMNS}, ${STALE_ENTRY_SQL} AS stale FROM cache_entries e ${ENTRY_JOINS}`;
  const insert = async (tx: Queryable, entry: CacheEntry, embedding?: { embedderId: number; vector: Float32Array }): Promise<void> => {
    // A racing writer of the same key: the newer answer replaces the older one.
    await tx.query('DELETE FROM cache_entries WHERE tenant = $1 AND scope_key = $2 AND question_key = $3', [entry.tenant, entry.scopeKey, entry.questionKey]);
    await tx.query(
      `INSERT INTO cache_entries (id, tenant, scope_key, question_key, question, answer, citations, documents, metadata,
         embedder_id, embedding, created_at, expires_at, last_hit_at, hit_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10, $11::vector, $12, $13, $14, $15)`,
      [
        entry.id, entry.tenant, entry.scopeKey, entry.questionKey, entry.question, entry.answer,
        JSON.stringify(entry.citations), JSON.stringify(entry.documents), JSON.stringify(entry.metadata),
        embedding?.embedderId ?? null, embedding ? vectorParam(db.kind, embedding.vector) : null,
        entry.createdAt, entry.expiresAt, entry.lastHitAt, entry.hitCount,
      ],
    );
    if (entry.documents.length > 0) {
      await tx.query(
        `INSERT INTO cache_entry_documents (entry_id, tenant, document_id, document_version)
         SELECT $1::uuid, $2, r.id, r.version FROM unnest($3::bigint[], $4::int[]) AS r(id, version)
         ON CONFLICT (entry_id, document_id) DO NOTHING`,
        [entry.id, entry.tenant, entry.documents.map((d) => d.id), entry.documents.map((d) => d.version)],
      );
    }
  };
  /**
   * Nearest entries of the scope, best first. With questionKey, the same statement first looks for
   * that exact key and runs the nearest-neighbour scan only when there is none (a one-time filter
   * evaluated before the scan starts): exact hits cost no HNSW search, semantic hits one round trip.
   */
  const searchNearest = async (query: NearestQuery, questionKey?: string): Promise<{ exact?: CheckedEntry; candidates: NearestCandidate[] }> => {
    const dims = query.dimensions;
    const id = query.embedderId;
    // All three go into the statement's text (and name), so they must be plain integers.
    if (!Number.isInteger(dims) || !Number.isInteger(id)) throw new TypeError('embedder id and dimensions must be integers');
    if (!Number.isInteger(query.limit) || query.limit < 1) throw new TypeError('limit must be a positive integer');
    if (!Number.isInteger(query.efSearch) || query.efSearch < 1) throw new TypeError('efSearch must be a positive integer');
    // The literal embedder id and the index's expression (halfvec on a server, vector on PGlite) let
    // the planner match the partial HNSW index (registerCacheEmbedder's DDL); `exact` orders by
    // full-precision distance over the scope.
    const type = indexVectorType(dims, db.kind);
    const order = query.index === 'hnsw' ? `e.embedding::${type}(${dims}) <=> $3::vector(${dims})::${type}(${dims})` : `e.embedding::vector(${dims}) <=> $3::vector(${dims})`;
    // hnsw: keep scanning the graph past rows of other scopes until LIMIT rows pass the filter
    // (pgvector >= 0.8); relaxed order is fine, candidates are re-sorted below. Both settings are
    // read when the scan starts, so they are set inside the statement: no transaction, one round trip.
    const hnsw = query.index === 'hnsw';
    const params: unknown[] = [query.tenant, query.scopeKey, vectorParam(db.kind, query.vector)];
    const settings = hnsw ? ` AND ${statementSettings(['hnsw.ef_search', 'hnsw.iterative_scan'], params.length + 1)}` : '';
    if (hnsw) params.push(Math.max(query.efSearch, query.limit), 'relaxed_order');
    let exactCte = '';
    let noExact = '';
    let picked = 'SELECT id, false AS exact FROM nearest';
    if (questionKey !== undefined) {
      params.push(questionKey);
      exactCte = `exact AS MATERIALIZED (SELECT e.id FROM cache_entries e WHERE e.tenant = $1 AND e.scope_key = $2 AND e.question_key = $${params.length}),\n`;
      noExact = ' AND NOT EXISTS (SELECT 1 FROM exact)';
      picked = 'SELECT id, true AS exact FROM exact UNION ALL SELECT id, false FROM nearest';
    }
    // No expiry condition in the search: in the generic plan PostgreSQL estimates `expires_at > $n`
    // to keep a third of the rows, and below ~10k entries it then sorted the scope by distance
    // (4.6 ms at 1k entries) instead of using the HNSW index. Expired entries are few (purged on
    // every store) and the caller drops them.
    // Only the LIMIT rows leave the CTE: columns, full-precision similarity and the freshness
    // subquery are computed for those few. With the freshness EXISTS in the scan's own select list,
    // the planner expected 100k rows and hashed it over all of cache_entry_documents (~25 ms at 100k).
    const sql = `WITH ${exactCte}nearest AS MATERIALIZED (
        SELECT e.id FROM cache_entries e
        WHERE e.embedder_id = ${id} AND e.tenant = $1 AND e.scope_key = $2${noExact}${settings}
        ORDER BY ${order} LIMIT ${query.limit})
      SELECT picked.exact, 1 - (e.embedding::vector(${dims}) <=> $3::vector(${dims})) AS similarity, ${ENTRY_COLUMNS}, ${STALE_ENTRY_SQL} AS stale
      FROM (${picked}) AS picked JOIN cache_entries e ON e.id = picked.id ${ENTRY_JOINS}`;
    type Row = EntryRow & { stale: boolean; similarity: number | null; exact: boolean };
    // Prepared per embedder and candidate count (id, dimensions and LIMIT are part of the text): no
    // parsing on the hit path, and after five runs PostgreSQL keeps its generic plan (on the HNSW
    // index) instead of planning each call (~0.45 ms at 100k entries). With `LIMIT $n` the generic
    // plan assumed a tenth of the rows and scanned everything (~600 ms), so it planned every call.
    const name = `gw_cache_${questionKey === undefined ? 'nearest' : 'exact_or_nearest'}_${id}_${dims}_${query.limit}`;
    const rows = hnsw
      ? (await db.query<Row>(sql, params, { name })).rows
      : // enable_indexscan is a planner setting: it must be in place before the statement is planned.
        await db.transaction(async (tx) => (await tx.query<Row>(sql, params)).rows, { settings: { enable_indexscan: 'off' } });
    const exactRow = rows.find((row) => row.exact);
    if (exactRow) return { exact: { entry: entryFromRow(exactRow), stale: exactRow.stale }, candidates: [] };
    const candidates = rows.map((row) => ({ entry: entryFromRow(row), similarity: Number(row.similarity), stale: row.stale })).sort((x, y) => y.similarity - x.similarity);
    return { candidates };
  };
  const store: PostgresCacheStore = {
    kind: 'postgres',
    async getExact(key) {
      return (await store.getExactChecked(key))?.entry;
    },
    async getExactChecked(key) {
      const rows = await db.query<EntryRow & { stale: boolean }>(`${selectEntries} WHERE e.tenant = $1 AND e.scope_key = $2 AND e.question_key = $3`, [key.tenant, key.scopeKey, key.questionKey], {
        name: 'gw_cache_exact',
      });
      const row = rows.rows[0];
      return row ? { entry: entryFromRow(row), stale: row.stale } : undefined;
    },
    async nearest(query) {
      return (await searchNearest(query)).candidates;
    },
    async exactOrNearest(query) {
      return searchNearest(query, query.questionKey);
    },
    async touch(tenant, id, now) {
      // recordHits' write (below) for one entry, which this statement also checks is still fresh.
      const result = await db.query(
        `INSERT INTO cache_entry_hits AS hits (entry_id, hit_count, last_hit_at)
         SELECT e.id, 1, $3 FROM cache_entries e
         WHERE e.id = $2::uuid AND e.tenant = $1 AND NOT ${STALE_ENTRY_SQL} AND ${statementSettings(['synchronous_commit'], 4)}
         ON CONFLICT (entry_id) DO UPDATE SET hit_count = hits.hit_count + excluded.hit_count, last_hit_at = greatest(hits.last_hit_at, excluded.last_hit_at)
         RETURNING hits.entry_id`,
        [tenant, id, now, 'off'],
      );
      return result.rows.length > 0;
    },
    async recordHits(batch) {
      if (batch.length === 0) return;
      // Hits go to the narrow cache_entry_hits (migrations/0007_cache_hits.sql): a flush dirties a
      // few small pages, never the wide entry rows. Those are only read, through the primary key,
      // for the tenant check: the lookup that served the hit read the same page moments ago.
      // No freshness check: each hit was checked fresh when it was served. An entry deleted
      // meanwhile matches no row, so its hits are dropped. Losing the last few hits in a crash is
      // harmless (they steer LRU only), so the write does not wait for the WAL flush (measured
      // ~10 ms per hit on a busy disk otherwise).
      await db.query(
        `INSERT INTO cache_entry_hits AS hits (entry_id, hit_count, last_hit_at)
         SELECT h.id, h.hits, h.at FROM unnest($1::text[], $2::uuid[], $3::int[], $4::timestamptz[]) AS h(tenant, id, hits, at)
         WHERE EXISTS (SELECT 1 FROM cache_entries e WHERE e.id = h.id AND e.tenant = h.tenant) AND ${statementSettings(['synchronous_commit'], 5)}
         ON CONFLICT (entry_id) DO UPDATE SET hit_count = hits.hit_count + excluded.hit_count, last_hit_at = greatest(hits.last_hit_at, excluded.last_hit_at)`,
        [batch.map((h) => h.tenant), batch.map((h) => h.id), batch.map((h) => h.hits), batch.map((h) => h.lastHitAt), 'off'],
      );
    },
    async put(entry) {
      await store.putWithEmbedding(entry);
    },
    async putWithEmbedding(entry, embedding) {
      await db.transaction((tx) => insert(tx, entry, embedding));
    },
    async remove(tenant, ids) {
      if (ids.length === 0) return 0;
      const result = await db.query('DELETE FROM cache_entries WHERE tenant = $1 AND id = ANY($2::uuid[]) RETURNING id', [tenant, ids]);
      return result.rows.length;
    },
    async removeByDocuments(tenant, documentIds) {
      return removeEntriesUsingDocuments(db, tenant, documentIds);
    },
    async clear(tenant) {
      const result = tenant === undefined ? await db.query('DELETE FROM cache_entries RETURNING id') : await db.query('DELETE FROM cache_entries WHERE tenant = $1 RETURNING id', [tenant]);
      return result.rows.length;
    },
    async enforceLimits(now, maxEntries) {
      const expired = (await db.query('DELETE FROM cache_entries WHERE expires_at <= $1 RETURNING id', [now])).rows.length;
      const count = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cache_entries')).rows[0].n;
      let evicted = 0;
      if (count > maxEntries) {
        const result = await db.query(
          `DELETE FROM cache_entries WHERE id IN (
             SELECT e.id FROM cache_entries e ${ENTRY_HITS_JOIN} ORDER BY ${ENTRY_LAST_HIT_AT} ASC, e.created_at ASC LIMIT $1)
           RETURNING id`,
          [count - maxEntries],
        );
        evicted = result.rows.length;
      }
      // PGlite runs no autovacuum: without statistics its planner sorted the whole scope on every
      // lookup instead of walking the HNSW index. Entries are analyzed only (see MaintainOptions).
      await maintainTables(db, CACHE_TABLES, { analyzeOnly: ['cache_entries'] });
      return { expired, evicted };
    },
  };
  return store;
}


/** Deletes a tenant's entries that used any of the documents; returns the count. */
export async function removeEntriesUsingDocuments(db: Queryable, tenant: string, documentIds: number[]): Promise<number> {
  if (documentIds.length === 0) return 0;
  const result = await db.query(
    `DELETE FROM cache_entries WHERE id IN (
       SELECT entry_id FROM cache_entry_documents WHERE tenant = $1 AND document_id = ANY($2::bigint[]))
     RETURNING id`,
    [tenant, documentIds],
  );
  return result.rows.length;
}
