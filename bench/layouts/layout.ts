/**
 * What bench/posting-layouts.ts measures for each BM25 storage layout: how it writes a batch of
 * analyzed chunks, which tables hold it, and how it answers a top-k query.
 */
import type { Db, Queryable } from '../../src/db/types.js';
import type { AnalyzedChunk } from './corpus.js';

/** BM25 parameters of the benchmark: Lucene's defaults, as groundwork's retrieve options. */
export const K1 = 1.2;
export const B = 0.75;
export const TENANT = 'bench';

export interface Ranked {
  chunkId: number;
  score: number;
}

export interface PostingLayout {
  name: string;
  /** Creates the layout's tables (not timed). */
  create(db: Db): Promise<void>;
  /** Writes one batch of chunks (ascending ids) in one transaction. */
  writeBatch(db: Db, chunks: AnalyzedChunk[]): Promise<void>;
  /** Post-write maintenance an ingest would run (VACUUM ANALYZE), timed with the writes. */
  finish(db: Db): Promise<void>;
  /** Tables holding the layout (their indexes and TOAST count in its size). */
  tables: string[];
  /** Top `limit` chunks by BM25 for the analyzed query terms (term -> query frequency). */
  search(db: Db, terms: Map<string, number>, limit: number): Promise<Ranked[]>;
}

/** Lucene's idf, as src/retrieve/sparse-leg.ts. */
export function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** BM25's saturated term weight (without idf). */
export function termWeight(tf: number, dl: number, avgdl: number): number {
  return (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * dl) / avgdl));
}

/** N and total length from the tenant statistics every layout shares (written by the ingest). */
export async function collectionStats(db: Queryable): Promise<{ n: number; avgdl: number }> {
  const { rows } = await db.query<{ n: number; total: number }>(
    `SELECT GREATEST(COALESCE(sum(chunk_delta), 0), 0)::float8 AS n, GREATEST(COALESCE(sum(length_delta), 0), 0)::float8 AS total
       FROM tenant_term_stats WHERE tenant = $1`,
    [TENANT],
  );
  const { n, total } = rows[0];
  return { n, avgdl: Math.max(n > 0 ? total / n : 1, 1) };
}

/** Table + index + TOAST bytes, and index bytes alone, of a set of tables. */
export async function tableSizes(db: Queryable, tables: string[]): Promise<{ totalBytes: number; indexBytes: number }> {
  const { rows } = await db.query<{ total: number; indexes: number }>(
    `SELECT COALESCE(sum(pg_total_relation_size(t::regclass)), 0)::float8 AS total, COALESCE(sum(pg_indexes_size(t::regclass)), 0)::float8 AS indexes
       FROM unnest($1::text[]) AS t`,
    [tables],
  );
  return { totalBytes: rows[0].total, indexBytes: rows[0].indexes };
}

/** Relative score tolerance for "the same score" (sparsevec stores float4: ~1e-7 relative). */
const SCORE_TOLERANCE = 1e-5;

/**
 * Whether a result list is the reference's top k, ties aside: the scores rank by rank are equal
 * (within tolerance) and the chunks scoring strictly above the k-th score are the same set; chunks
 * tied at the k-th score may differ (which of them make the cut is a tie-break).
 */
export function sameTopK(reference: Ranked[], results: Ranked[]): boolean {
  if (reference.length !== results.length) return false;
  if (reference.length === 0) return true;
  const tolerance = (s: number): number => SCORE_TOLERANCE * Math.max(1, Math.abs(s));
  for (let i = 0; i < reference.length; i += 1) {
    if (Math.abs(reference[i].score - results[i].score) > tolerance(reference[i].score)) return false;
  }
  const cut = reference[reference.length - 1].score;
  const above = (list: Ranked[]): Set<number> => new Set(list.filter((r) => r.score > cut + tolerance(cut)).map((r) => r.chunkId));
  const a = above(reference);
  const b = above(results);
  return a.size === b.size && [...a].every((id) => b.has(id));
}

/** Fraction of the reference's chunk ids present in the results (overlap@k). */
export function overlap(reference: Ranked[], results: Ranked[]): number {
  if (reference.length === 0) return results.length === 0 ? 1 : 0;
  const ids = new Set(results.map((r) => r.chunkId));
  return reference.filter((r) => ids.has(r.chunkId)).length / reference.length;
}
