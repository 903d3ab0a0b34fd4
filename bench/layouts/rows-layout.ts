/**
 * The row-per-posting layout of migrations/0001 (chunk_terms: one row per tenant, term, chunk),
 * written as the 0001-era ingest wrote it and scored exhaustively by the 0001-era query
 * (src/retrieve/sparse-leg.ts at commit fa90e7b: per-term LATERAL df counts, every posting scored).
 */
import type { Db, Queryable } from '../../src/db/types.js';
import type { AnalyzedChunk } from './corpus.js';
import { K1, B, TENANT, type PostingLayout, type Ranked } from './layout.js';

export function createRowsLayout(): PostingLayout {
  return {
    name: 'rows',
    tables: ['chunk_terms'],
    async create(db: Db) {
      // DDL copied from migrations/0001_init.sql (0006 drops the table).
      await db.exec(`
        CREATE TABLE chunk_terms (
          tenant text NOT NULL,
          term text NOT NULL,
          chunk_id bigint NOT NULL,
          tf integer NOT NULL,
          dl integer NOT NULL,
          PRIMARY KEY (tenant, term, chunk_id) INCLUDE (tf, dl)
        );
        CREATE INDEX chunk_terms_chunk_idx ON chunk_terms (chunk_id);`);
    },
    async writeBatch(db: Db, chunks: AnalyzedChunk[]) {
      const term: string[] = [];
      const chunk: number[] = [];
      const tf: number[] = [];
      const dl: number[] = [];
      for (const c of chunks) {
        for (let i = 0; i < c.terms.length; i += 1) {
          term.push(c.terms[i]);
          chunk.push(c.chunkId);
          tf.push(c.tfs[i]);
          dl.push(c.length);
        }
      }
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO chunk_terms (tenant, term, chunk_id, tf, dl)
           SELECT $1, t.term, t.chunk_id, t.tf, t.dl FROM unnest($2::text[], $3::bigint[], $4::int[], $5::int[]) AS t(term, chunk_id, tf, dl)`,
          [TENANT, term, chunk, tf, dl],
        );
      });
    },
    async finish(db: Db) {
      await db.exec('VACUUM (ANALYZE) chunk_terms');
    },
    async search(db: Queryable, terms: Map<string, number>, limit: number): Promise<Ranked[]> {
      const list = [...terms.keys()];
      const { rows } = await db.query<{ chunk_id: number; score: number }>(
        `WITH st AS (SELECT GREATEST(COALESCE(sum(chunk_delta), 0), 0)::float8 AS n,
                            GREATEST(COALESCE(sum(length_delta), 0), 0)::float8 AS total
                       FROM tenant_term_stats WHERE tenant = $1),
         w AS (SELECT q.term, q.qtf * ln(1 + (st.n - d.df + 0.5) / (d.df + 0.5)) AS idf
                 FROM unnest($2::text[], $3::int[]) AS q(term, qtf)
                 CROSS JOIN st
                 CROSS JOIN LATERAL (SELECT count(*)::float8 AS df FROM chunk_terms c WHERE c.tenant = $1 AND c.term = q.term) d
                WHERE d.df > 0),
         scored AS (
           SELECT ct.chunk_id,
                  sum(w.idf * ct.tf * ($4::float8 + 1) / (ct.tf + $4::float8 * (1 - $5::float8 + $5::float8 * ct.dl / GREATEST(st.total / NULLIF(st.n, 0), 1)))) AS score
             FROM w JOIN chunk_terms ct ON ct.tenant = $1 AND ct.term = w.term, st
            GROUP BY ct.chunk_id)
         SELECT s.chunk_id, s.score,
                (SELECT n FROM st) AS n,
                (SELECT COALESCE(sum(idf), 0) FROM w) AS known_idf,
                (SELECT count(*) FROM w)::int AS known_terms
           FROM scored s
          ORDER BY s.score DESC, s.chunk_id
          LIMIT $6`,
        [TENANT, list, list.map((t) => terms.get(t)!), K1, B, limit],
      );
      return rows.map((r) => ({ chunkId: Number(r.chunk_id), score: r.score }));
    },
  };
}
