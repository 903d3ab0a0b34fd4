import type { Queryable } from '../db/types.js';
import type { LegResult } from './fusion.js';

export interface SparseQuery {
  tenant: string;
  /** Query terms (analyzed) with their frequency in the query. */
  terms: Map<string, number>;
  k1: number;
  b: number;
  limit: number;
  /** Extra condition over d (documents) and c (chunks), with its parameters starting at $7. */
  filter?: { sql: string; params: unknown[] };
}

export interface SparseResult {
  results: LegResult[];
  /** The most a chunk could score for this query: sum of qtf * idf * (k1 + 1); unknown terms count at the largest idf. */
  upperBound: number;
  /** Chunks in the tenant's collection (N). */
  collectionSize: number;
}

/** First placeholder number free for filter parameters in the sparse query. */
export const SPARSE_FILTER_FIRST_PARAM = 7;

/**
 * Okapi BM25 computed in SQL from stored postings, with Lucene's idf:
 *   idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))
 *   score(d) = sum_t qtf(t) * idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
 * N and avgdl come from the tenant's aggregated statistics, df from the postings themselves, so
 * filters never change the statistics (they only restrict which chunks are returned).
 */
export async function sparseSearch(db: Queryable, query: SparseQuery): Promise<SparseResult> {
  const terms = [...query.terms.keys()];
  const qtf = terms.map((t) => query.terms.get(t)!);
  const filtered = query.filter && query.filter.sql !== 'TRUE';
  // Document frequencies come from one index-only count per query term (LATERAL), then each
  // term's postings are scored once: measured 25% faster than materializing all postings twice.
  const sql = `
    WITH st AS (SELECT GREATEST(COALESCE(sum(chunk_delta), 0), 0)::float8 AS n,
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
      ${filtered ? 'JOIN chunks c ON c.id = s.chunk_id JOIN documents d ON d.id = c.document_id WHERE ' + query.filter!.sql : ''}
     ORDER BY s.score DESC, s.chunk_id
     LIMIT $6`;
  const { rows } = await db.query<{ chunk_id: number; score: number; n: number; known_idf: number; known_terms: number }>(sql, [
    query.tenant,
    terms,
    qtf,
    query.k1,
    query.b,
    query.limit,
    ...(filtered ? query.filter!.params : []),
  ]);
  let n = rows[0]?.n;
  let knownIdf = rows[0]?.known_idf ?? 0;
  let knownTerms = rows[0]?.known_terms ?? 0;
  if (rows.length === 0) {
    const stats = await db.query<{ n: number }>('SELECT GREATEST(COALESCE(sum(chunk_delta), 0), 0)::float8 AS n FROM tenant_term_stats WHERE tenant = $1', [query.tenant]);
    n = stats.rows[0]?.n ?? 0;
    knownIdf = 0;
    knownTerms = 0;
  }
  // Terms absent from the collection count at the largest possible idf (df = 0), so a query about
  // things the documents never mention gets a low confidence.
  const maxIdf = Math.log(1 + (n! + 0.5) / 0.5);
  const unknownQtf = terms.length - knownTerms > 0 ? unknownWeight(query.terms, terms.length - knownTerms) : 0;
  const upperBound = (knownIdf + unknownQtf * maxIdf) * (query.k1 + 1);
  return { results: rows.map((r) => ({ chunkId: r.chunk_id, score: r.score })), upperBound, collectionSize: n ?? 0 };
}

function unknownWeight(terms: Map<string, number>, unknownCount: number): number {
  // Without per-term rows for unknown terms we weigh them by the mean query frequency.
  let total = 0;
  for (const v of terms.values()) total += v;
  return (total / terms.size) * unknownCount;
}
