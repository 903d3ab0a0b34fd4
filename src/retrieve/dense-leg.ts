import type { Db } from '../db/types.js';
import { GroundworkError, InputError } from '../errors.js';
import { vectorParam } from '../db/vector-param.js';
import { checkQueryEmbedder, distanceSql, exactDistanceSql, type RegisteredEmbedder } from '../search-index/embedder-binding.js';
import { compileFilters } from './filters.js';
import type { LegHit, RetrievalLeg } from './retrieval-leg.js';

export interface DenseQuery {
  tenant: string;
  embedder: RegisteredEmbedder;
  vector: Float32Array;
  limit: number;
  efSearch: number;
  /** Extra condition over d (documents) and c (chunks), with its parameters starting at $4. */
  filter?: { sql: string; params: unknown[] };
}

/** First placeholder number free for filter parameters in the dense query. */
export const DENSE_FILTER_FIRST_PARAM = 4;

/**
 * Nearest chunks by cosine through the embedder's HNSW index. `hnsw.iterative_scan` (pgvector
 * 0.8) keeps scanning the graph until the filter lets `limit` rows through, so a selective filter
 * still returns k results when k exist. Scores are cosine similarities.
 */
export async function denseSearch(db: Db, query: DenseQuery): Promise<LegHit[]> {
  const { id, dimensions } = query.embedder;
  if (!Number.isInteger(id) || !Number.isInteger(dimensions)) throw new GroundworkError('INTERNAL', 'embedder id and dimensions must be integers');
  if (query.vector.length !== dimensions) {
    throw new GroundworkError('EMBEDDER_MISMATCH', `query vector has ${query.vector.length} dimensions; the index has ${dimensions}`);
  }
  const filtered = query.filter && query.filter.sql !== 'TRUE';
  const distance = distanceSql(dimensions, '$2', db.kind);
  // The embedder id is interpolated (a checked integer) so the planner can match the partial index.
  // The index may order by half-precision distance (PostgreSQL server); the LIMIT rows are
  // re-scored at full precision.
  const sql = `
    WITH nearest AS MATERIALIZED (
      SELECT ce.chunk_id
        FROM chunk_embeddings ce
        ${filtered ? 'JOIN chunks c ON c.id = ce.chunk_id JOIN documents d ON d.id = c.document_id' : ''}
       WHERE ce.embedder_id = ${id} AND ce.tenant = $1 ${filtered ? 'AND ' + query.filter!.sql : ''}
       ORDER BY ${distance}
       LIMIT $3)
    SELECT ce.chunk_id, 1 - (${exactDistanceSql(dimensions, '$2')}) AS similarity
      FROM nearest JOIN chunk_embeddings ce ON ce.embedder_id = ${id} AND ce.chunk_id = nearest.chunk_id`;
  if (!Number.isInteger(query.efSearch) || query.efSearch < 1) throw new TypeError('efSearch must be a positive integer');
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ chunk_id: number; similarity: number }>(sql, [
      query.tenant,
      vectorParam(db.kind, query.vector),
      query.limit,
      ...(filtered ? query.filter!.params : []),
    ]);
    // relaxed_order may return slightly out of order: restore the exact order.
    return rows.map((r) => ({ chunkId: r.chunk_id, score: r.similarity })).sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
  }, { settings: { 'hnsw.ef_search': query.efSearch, 'hnsw.iterative_scan': 'relaxed_order' } });
}

/**
 * The dense leg: embeds the query with the configured embedder (which must be the one that built
 * the tenant's index) and searches the HNSW index. A tenant with no dense index yet gets no hits
 * and a notice. Confidence: the top cosine, clamped to [0, 1].
 */
export function createDenseLeg(): RetrievalLeg {
  return {
    name: 'dense',
    capabilities: { needsEmbedder: true, filters: true },
    async search(request, { db, options, embedder, signal }) {
      if (!embedder) throw new InputError('mode', 'dense retrieval needs an embedding model; none is configured (see `groundwork models`)');
      signal?.throwIfAborted();
      const registered = await checkQueryEmbedder(db, request.tenant, embedder);
      if (!registered) return { hits: [], confidence: 0, notices: [`tenant ${request.tenant} has no dense index yet: the dense leg returns nothing`] };
      signal?.throwIfAborted();
      const started = performance.now();
      const vector = await embedder.embedQuery(request.query);
      const embedMs = performance.now() - started;
      signal?.throwIfAborted();
      const hits = await denseSearch(db, {
        tenant: request.tenant,
        embedder: registered,
        vector,
        limit: request.limit,
        efSearch: options.efSearch,
        filter: compileFilters([...request.filters], DENSE_FILTER_FIRST_PARAM),
      });
      return { hits, confidence: hits.length ? Math.max(0, Math.min(1, hits[0].score)) : 0, embedMs };
    },
  };
}
