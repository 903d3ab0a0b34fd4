/**
 * pgvector sparsevec: one row per chunk, each term hashed (FNV-1a) to one of 2^20 dimensions. The
 * stored value is the term's BM25 weight without idf, tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)),
 * fixed at write time with the avgdl known then (here the final one, the best case: in a live
 * collection every ingest moves avgdl and the stored weights go stale until rewritten). The query
 * vector holds qtf * idf per dimension, computed at query time from a per-term df table, so idf
 * stays exact. Score = inner product: BM25 exactly, but for hash collisions and float4 storage.
 */
import type { Db, Queryable } from '../../src/db/types.js';
import type { AnalyzedChunk } from './corpus.js';
import { idf, TENANT, termWeight, type PostingLayout, type Ranked } from './layout.js';

/** Hashed dimensions: 2^20, against a vocabulary of ~10^5 terms, keeps collisions rare. */
export const SPARSE_DIMENSIONS = 1 << 20;

/** An HNSW build slower than this is abandoned (and reported as such). */
const HNSW_BUILD_TIMEOUT_MS = 900_000;

/** FNV-1a (32 bit) of a term, folded into the sparse dimensions (0-based). */
export function termDimension(term: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i += 1) h = Math.imul(h ^ term.charCodeAt(i), 0x01000193);
  return (h >>> 0) % SPARSE_DIMENSIONS;
}

/** pgvector's sparsevec text form ({index:value,...}/dimensions, 1-based), colliding terms summed. */
function sparseLiteral(weights: Map<number, number>): string {
  const dims = [...weights.keys()].sort((a, b) => a - b);
  return `{${dims.map((d) => `${d + 1}:${weights.get(d)}`).join(',')}}/${SPARSE_DIMENSIONS}`;
}

function addWeight(into: Map<number, number>, term: string, weight: number): void {
  const d = termDimension(term);
  into.set(d, (into.get(d) ?? 0) + weight);
}

export interface SparsevecLayout extends PostingLayout {
  /** Builds the approximate HNSW index (inner product, default m and ef_construction); returns its build seconds. */
  buildHnsw(db: Db): Promise<number>;
  /** Top k through the HNSW index with this ef_search. */
  searchHnsw(db: Db, terms: Map<string, number>, limit: number, efSearch: number): Promise<Ranked[]>;
}

/** `avgdl`: the collection's average length when the weights are written. */
export function createSparsevecLayout(avgdl: number): SparsevecLayout {
  const queryVector = async (db: Queryable, terms: Map<string, number>): Promise<string | undefined> => {
    const list = [...terms.keys()];
    const { rows } = await db.query<{ n: number; term: string | null; df: number | null }>(
      `WITH st AS (SELECT GREATEST(COALESCE(sum(chunk_delta), 0), 0)::float8 AS n FROM tenant_term_stats WHERE tenant = $1)
       SELECT st.n, d.term, d.df FROM st LEFT JOIN layout_sv_df d ON d.tenant = $1 AND d.term = ANY($2::text[])`,
      [TENANT, list],
    );
    const weights = new Map<number, number>();
    for (const r of rows) if (r.term !== null && r.df) addWeight(weights, r.term, terms.get(r.term)! * idf(r.n, r.df));
    return weights.size > 0 ? sparseLiteral(weights) : undefined;
  };
  const toRanked = (rows: Array<{ chunk_id: number; score: number }>): Ranked[] => rows.map((r) => ({ chunkId: Number(r.chunk_id), score: r.score }));
  return {
    name: 'sparsevec',
    tables: ['layout_sv_chunks', 'layout_sv_df'],
    async create(db: Db) {
      await db.exec(`
        CREATE TABLE layout_sv_chunks (
          tenant text NOT NULL,
          chunk_id bigint NOT NULL,
          dl integer NOT NULL,
          v sparsevec(${SPARSE_DIMENSIONS}) NOT NULL,
          PRIMARY KEY (chunk_id)
        );
        CREATE TABLE layout_sv_df (
          tenant text NOT NULL,
          term text NOT NULL,
          df integer NOT NULL,
          PRIMARY KEY (tenant, term) INCLUDE (df)
        );`);
    },
    async writeBatch(db: Db, chunks: AnalyzedChunk[]) {
      const vectors: string[] = [];
      const df = new Map<string, number>();
      for (const c of chunks) {
        const weights = new Map<number, number>();
        c.terms.forEach((t, i) => {
          addWeight(weights, t, termWeight(c.tfs[i], c.length, avgdl));
          df.set(t, (df.get(t) ?? 0) + 1);
        });
        vectors.push(sparseLiteral(weights));
      }
      const dfTerms = [...df.keys()].sort();
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO layout_sv_chunks (tenant, chunk_id, dl, v)
           SELECT $1, c.id, c.dl, c.v::sparsevec FROM unnest($2::bigint[], $3::int[], $4::text[]) AS c(id, dl, v)`,
          [TENANT, chunks.map((c) => c.chunkId), chunks.map((c) => c.length), vectors],
        );
        await tx.query(
          `INSERT INTO layout_sv_df (tenant, term, df) SELECT $1, d.term, d.df FROM unnest($2::text[], $3::int[]) AS d(term, df)
           ON CONFLICT (tenant, term) DO UPDATE SET df = layout_sv_df.df + EXCLUDED.df`,
          [TENANT, dfTerms, dfTerms.map((t) => df.get(t)!)],
        );
      });
    },
    async finish(db: Db) {
      await db.exec('VACUUM (ANALYZE) layout_sv_chunks');
      await db.exec('VACUUM (ANALYZE) layout_sv_df');
    },
    async search(db: Queryable, terms: Map<string, number>, limit: number): Promise<Ranked[]> {
      const q = await queryVector(db, terms);
      if (q === undefined) return [];
      // Exact: no index on v, so a (parallel) sequential scan with a top-k sort.
      const { rows } = await db.query<{ chunk_id: number; score: number }>(
        `SELECT chunk_id, -(v <#> $2::sparsevec) AS score FROM layout_sv_chunks
          WHERE tenant = $1 AND -(v <#> $2::sparsevec) > 0
          ORDER BY v <#> $2::sparsevec, chunk_id LIMIT $3`,
        [TENANT, q, limit],
      );
      return toRanked(rows);
    },
    async buildHnsw(db: Db) {
      const started = performance.now();
      await db.transaction(async (tx) => {
        await tx.query("SET LOCAL maintenance_work_mem = '1GB'");
        await tx.query(`SET LOCAL statement_timeout = ${HNSW_BUILD_TIMEOUT_MS}`);
        await tx.query('CREATE INDEX layout_sv_chunks_hnsw ON layout_sv_chunks USING hnsw (v sparsevec_ip_ops)');
      });
      return (performance.now() - started) / 1000;
    },
    async searchHnsw(db: Db, terms: Map<string, number>, limit: number, efSearch: number): Promise<Ranked[]> {
      const q = await queryVector(db, terms);
      if (q === undefined) return [];
      return db.transaction(async (tx) => {
        await tx.query(`SET LOCAL hnsw.ef_search = ${Math.trunc(efSearch)}`);
        const { rows } = await tx.query<{ chunk_id: number; score: number }>(
          'SELECT chunk_id, -(v <#> $2::sparsevec) AS score FROM layout_sv_chunks WHERE tenant = $1 ORDER BY v <#> $2::sparsevec LIMIT $3',
          [TENANT, q, limit],
        );
        return toRanked(rows);
      });
    },
  };
}
