/**
 * tsvector + GIN: one row per chunk with a tsvector of its (already analyzed) terms, built by
 * to_tsvector('simple', ...) so PostgreSQL adds no analysis of its own, and a GIN index for the
 * candidates (`@@` an OR of the query terms). BM25 is computed in SQL from the candidates'
 * tsvectors (tf = positions of the lexeme); df comes from a per-term table kept by each write.
 * Limits of the type: at most 256 positions per lexeme and positions capped at 16383, so tf is
 * exact only below those (SciFact abstracts are far below).
 */
import type { Db, Queryable } from '../../src/db/types.js';
import type { AnalyzedChunk } from './corpus.js';
import { K1, B, TENANT, type PostingLayout, type Ranked } from './layout.js';

export function createTsvectorLayout(): PostingLayout {
  return {
    name: 'tsvector+gin',
    tables: ['layout_tsv_chunks', 'layout_tsv_df'],
    async create(db: Db) {
      await db.exec(`
        CREATE TABLE layout_tsv_chunks (
          tenant text NOT NULL,
          chunk_id bigint NOT NULL,
          dl integer NOT NULL,
          tsv tsvector NOT NULL,
          PRIMARY KEY (chunk_id)
        );
        CREATE INDEX layout_tsv_chunks_gin ON layout_tsv_chunks USING gin (tsv);
        CREATE TABLE layout_tsv_df (
          tenant text NOT NULL,
          term text NOT NULL,
          df integer NOT NULL,
          PRIMARY KEY (tenant, term) INCLUDE (df)
        );`);
    },
    async writeBatch(db: Db, chunks: AnalyzedChunk[]) {
      // Each term repeated tf times: to_tsvector gives it tf positions.
      const bodies = chunks.map((c) => c.terms.map((t, i) => (c.tfs[i] === 1 ? t : Array(c.tfs[i]).fill(t).join(' '))).join(' '));
      await db.transaction(async (tx) => {
        // df from the stored lexemes themselves, so it counts exactly what `@@` can match.
        await tx.query(
          `WITH ins AS (
             INSERT INTO layout_tsv_chunks (tenant, chunk_id, dl, tsv)
             SELECT $1, c.id, c.dl, to_tsvector('simple', c.body) FROM unnest($2::bigint[], $3::int[], $4::text[]) AS c(id, dl, body)
             RETURNING tsv)
           INSERT INTO layout_tsv_df (tenant, term, df)
           SELECT $1, u.lexeme, count(*) FROM ins CROSS JOIN LATERAL unnest(ins.tsv) AS u GROUP BY u.lexeme ORDER BY u.lexeme
           ON CONFLICT (tenant, term) DO UPDATE SET df = layout_tsv_df.df + EXCLUDED.df`,
          [TENANT, chunks.map((c) => c.chunkId), chunks.map((c) => c.length), bodies],
        );
      });
    },
    async finish(db: Db) {
      await db.exec('VACUUM (ANALYZE) layout_tsv_chunks');
      await db.exec('VACUUM (ANALYZE) layout_tsv_df');
    },
    async search(db: Queryable, terms: Map<string, number>, limit: number): Promise<Ranked[]> {
      const list = [...terms.keys()];
      const { rows } = await db.query<{ chunk_id: number; score: number }>(
        `WITH st AS (SELECT GREATEST(COALESCE(sum(chunk_delta), 0), 0)::float8 AS n,
                            GREATEST(GREATEST(COALESCE(sum(length_delta), 0), 0)::float8 / NULLIF(GREATEST(COALESCE(sum(chunk_delta), 0), 0), 0), 1) AS avgdl
                       FROM tenant_term_stats WHERE tenant = $1),
         w AS (SELECT q.term, q.qtf * ln(1 + (st.n - d.df + 0.5) / (d.df + 0.5)) AS w
                 FROM unnest($2::text[], $3::int[]) AS q(term, qtf)
                 CROSS JOIN st
                 JOIN layout_tsv_df d ON d.tenant = $1 AND d.term = q.term),
         cand AS (SELECT c.chunk_id, c.dl, c.tsv FROM layout_tsv_chunks c
                   WHERE c.tenant = $1 AND c.tsv @@ (SELECT string_agg(quote_literal(w.term), ' | ')::tsquery FROM w))
         SELECT c.chunk_id,
                sum(w.w * array_length(u.positions, 1) * ($4::float8 + 1)
                    / (array_length(u.positions, 1) + $4::float8 * (1 - $5::float8 + $5::float8 * c.dl / st.avgdl))) AS score
           FROM cand c CROSS JOIN LATERAL unnest(c.tsv) AS u JOIN w ON w.term = u.lexeme CROSS JOIN st
          GROUP BY c.chunk_id
          ORDER BY score DESC, c.chunk_id
          LIMIT $6`,
        [TENANT, list, list.map((t) => terms.get(t)!), K1, B, limit],
      );
      return rows.map((r) => ({ chunkId: Number(r.chunk_id), score: r.score }));
    },
  };
}
