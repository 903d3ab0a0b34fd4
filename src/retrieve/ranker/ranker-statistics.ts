import type { Queryable } from '../../db/types.js';

/** Statistics entries (terms' df, documents' chunk counts) kept over all tenants by default; past it all are dropped. */
export const DEFAULT_RANKER_STATISTICS_ENTRIES = 200_000;

/** Collection statistics the features need: N, mean chunk length, df of the query's (and RM3's) terms, chunks per document. */
export interface RankerStatistics {
  n: number;
  avgdl: number;
  df: ReadonlyMap<string, number>;
  documentChunks: ReadonlyMap<number, number>;
}

type StatisticsRow = { version?: string; moved?: boolean; n: number | null; total: number | null; terms: string[] | null; dfs: number[] | null; documents: number[] | null; chunks: number[] | null };

/** Term dfs (0: absent) and documents' chunk counts (0: no chunk) as read, by term / document id. */
function readLists(row: StatisticsRow | undefined): { df: Map<string, number>; chunks: Map<number, number> } {
  // array_agg over one CTE scan in the same order for both columns: the i-th term has the i-th df.
  const df = new Map<string, number>();
  (row?.terms ?? []).forEach((term, i) => df.set(term, Number(row!.dfs![i] ?? 0)));
  const chunks = new Map<number, number>();
  (row?.documents ?? []).forEach((id, i) => chunks.set(Number(id), Number(row!.chunks![i])));
  return { df, chunks };
}

function statistics(n: number, total: number, terms: readonly string[], documentIds: readonly number[], df: ReadonlyMap<string, number>, chunks: ReadonlyMap<number, number>): RankerStatistics {
  const dfs = new Map<string, number>();
  for (const term of terms) {
    const value = df.get(term);
    if (value) dfs.set(term, value);
  }
  const documentChunks = new Map<number, number>();
  for (const id of documentIds) {
    const value = chunks.get(id);
    if (value) documentChunks.set(id, value);
  }
  return { n, avgdl: Math.max(n > 0 ? total / n : 1, 1), df: dfs, documentChunks };
}

const STATISTICS_SQL = `
WITH st AS (SELECT GREATEST(COALESCE(sum(chunk_delta), 0), 0)::float8 AS n,
                   GREATEST(COALESCE(sum(length_delta), 0), 0)::float8 AS total
              FROM tenant_term_stats WHERE tenant = $1),
     q AS (SELECT q.term, COALESCE((SELECT sum(p.n) FROM posting_blocks p WHERE p.tenant = $1 AND p.term = q.term), 0)::float8 AS df
             FROM unnest($2::text[]) AS q(term)),
     d AS (SELECT document_id::float8 AS document_id, count(*)::int AS chunks FROM chunks
            WHERE tenant = $1 AND document_id = ANY($3::bigint[]) GROUP BY document_id)
SELECT st.n, st.total,
       (SELECT array_agg(q.term) FROM q) AS terms, (SELECT array_agg(q.df) FROM q) AS dfs,
       (SELECT array_agg(d.document_id) FROM d) AS documents, (SELECT array_agg(d.chunks) FROM d) AS chunks
  FROM st`;

/**
 * Reads the statistics for `terms` and the candidates' documents, tenant-scoped, in one statement
 * (one round trip, one snapshot): N and total length, each term's df, each document's chunks.
 */
export async function loadRankerStatistics(db: Queryable, tenant: string, terms: readonly string[], documentIds: readonly number[]): Promise<RankerStatistics> {
  const unique = [...new Set(terms)];
  const documents = [...new Set(documentIds)];
  const { rows } = await db.query<StatisticsRow>(STATISTICS_SQL, [tenant, unique, documents], { name: 'gw_ranker_statistics_v2' });
  const { df, chunks } = readLists(rows[0]);
  return statistics(rows[0]?.n ?? 0, rows[0]?.total ?? 0, unique, documents, df, chunks);
}

/**
 * The same statement behind a version check: the tenant's index version (as the posting cache reads
 * it: index_version and the row's xmin) is read first in the statement; when it equals the cached
 * one, only the terms and documents the cache lacks are read, else everything is, and N and the
 * total length with it. When the cache lacks nothing, VERSION_SQL alone is run.
 */
const CACHED_STATISTICS_SQL = `
WITH v AS (SELECT COALESCE((SELECT index_version::text || ':' || xmin::text FROM tenants WHERE tenant = $1), 'none') AS version),
     m AS (SELECT v.version, v.version <> $2::text AS moved FROM v),
     st AS (SELECT GREATEST(COALESCE(sum(chunk_delta), 0), 0)::float8 AS n,
                   GREATEST(COALESCE(sum(length_delta), 0), 0)::float8 AS total
              FROM tenant_term_stats WHERE tenant = $1 AND (SELECT moved FROM m)),
     q AS (SELECT q.term, COALESCE((SELECT sum(p.n) FROM posting_blocks p WHERE p.tenant = $1 AND p.term = q.term), 0)::float8 AS df
             FROM m, unnest(CASE WHEN m.moved THEN $3::text[] ELSE $4::text[] END) AS q(term)),
     d AS (SELECT c.document_id::float8 AS document_id, count(*)::int AS chunks FROM chunks c, m
            WHERE c.tenant = $1 AND c.document_id = ANY(CASE WHEN m.moved THEN $5::bigint[] ELSE $6::bigint[] END) GROUP BY c.document_id)
SELECT m.version, m.moved, st.n, st.total,
       (SELECT array_agg(q.term) FROM q) AS terms, (SELECT array_agg(q.df) FROM q) AS dfs,
       (SELECT array_agg(d.document_id) FROM d) AS documents, (SELECT array_agg(d.chunks) FROM d) AS chunks
  FROM m CROSS JOIN st`;

const VERSION_SQL = `SELECT COALESCE((SELECT index_version::text || ':' || xmin::text FROM tenants WHERE tenant = $1), 'none') AS version`;

/** One tenant's statistics at one index version. Never changes version: a newer version gets a new state. */
interface TenantState {
  version: string;
  n: number;
  total: number;
  df: Map<string, number>;
  chunks: Map<number, number>;
}

export interface RankerStatisticsCacheStats {
  /** Term and document entries held now. */
  entries: number;
  /** Statements that found the cached version current, and those that read everything. */
  current: number;
  moved: number;
  /** Loads served with no statement: everything cached at the version the first stage had just read. */
  vouched: number;
  /** Loads given the first stage's statistics (StatisticsSeed) to keep. */
  seeded: number;
}

/**
 * Statistics read elsewhere in the same request at the version passed with them: N, the total
 * length and terms' dfs by the posting-cache BM25 leg (one statement), documents' chunk counts with
 * the candidates' rows (documents.chunk_count, written with the document's chunks; read a statement
 * later, so an ingest committed in between gives a count newer than the version, which then is
 * superseded at the next query's version).
 */
export interface StatisticsSeed {
  n: number;
  total: number;
  df: ReadonlyMap<string, number>;
  documentChunks?: ReadonlyMap<number, number>;
}

/**
 * loadRankerStatistics with the answers kept per tenant and index version. Every write that
 * changes postings, chunks or the collection statistics bumps the tenant's index version in its
 * transaction (document-store.ts, as the posting cache relies on), so values cached at the version
 * the statement reads are what the uncached statement would read in that snapshot. At most
 * `maxEntries` terms and documents over all tenants; past it everything is dropped.
 */
export interface RankerStatisticsCache {
  /**
   * `knownVersion`: the tenant's index version as read earlier in the same request (the first stage's
   * statement): when the cache holds everything asked at that version, no statement runs; the values
   * are what the uncached statement would have read in that snapshot.
   */
  load(db: Queryable, tenant: string, terms: readonly string[], documentIds: readonly number[], knownVersion?: string, seed?: StatisticsSeed): Promise<RankerStatistics>;
  stats(): RankerStatisticsCacheStats;
  clear(): void;
}

export function createRankerStatisticsCache(options: { maxEntries: number } = { maxEntries: DEFAULT_RANKER_STATISTICS_ENTRIES }): RankerStatisticsCache {
  if (!Number.isInteger(options.maxEntries) || options.maxEntries < 0) throw new TypeError('maxEntries must be a non-negative integer');
  const tenants = new Map<string, TenantState>();
  let held = 0;
  const counters = { current: 0, moved: 0, vouched: 0, seeded: 0 };
  const sizeOf = (state: TenantState) => state.df.size + state.chunks.size;

  const keep = (tenant: string, state: TenantState, added: number) => {
    if (tenants.get(tenant) === state) held += added;
    else {
      const old = tenants.get(tenant);
      if (old) held -= sizeOf(old);
      tenants.set(tenant, state);
      held += sizeOf(state);
    }
    if (held > options.maxEntries) {
      tenants.clear();
      held = 0;
    }
  };

  return {
    async load(db, tenant, terms, documentIds, knownVersion, seed) {
      if (seed && knownVersion !== undefined) {
        // Kept as read at knownVersion: a state of another version is replaced (its values are of that version only).
        let seeded = tenants.get(tenant);
        if (!seeded || seeded.version !== knownVersion) keep(tenant, (seeded = { version: knownVersion, n: seed.n, total: seed.total, df: new Map(), chunks: new Map() }), 0);
        let added = 0;
        for (const [term, df] of seed.df) if (!seeded.df.has(term)) (seeded.df.set(term, df), added++);
        for (const [id, chunks] of seed.documentChunks ?? []) if (!seeded.chunks.has(id)) (seeded.chunks.set(id, chunks), added++);
        if (tenants.get(tenant) === seeded) keep(tenant, seeded, added);
        counters.seeded++;
      }
      const unique = [...new Set(terms)];
      const documents = [...new Set(documentIds)];
      // The state this statement is compared with: its maps only ever gain entries of its own version.
      const state = tenants.get(tenant);
      const missingTerms = state ? unique.filter((term) => !state.df.has(term)) : unique;
      const missingDocuments = state ? documents.filter((id) => !state.chunks.has(id)) : documents;
      if (state && missingTerms.length === 0 && missingDocuments.length === 0) {
        if (knownVersion !== undefined && knownVersion === state.version) {
          counters.vouched++;
          return statistics(state.n, state.total, unique, documents, state.df, state.chunks);
        }
        // Everything cached: the version alone says whether it is current (a statement PGlite, which
        // plans every statement anew, runs in a fraction of the full one's planning time).
        const probe = await db.query<{ version: string }>(VERSION_SQL, [tenant], { name: 'gw_ranker_statistics_version' });
        if (probe.rows[0]?.version === state.version) {
          counters.current++;
          return statistics(state.n, state.total, unique, documents, state.df, state.chunks);
        }
        // Moved since: the full statement below reads everything at the new version.
      }
      const { rows } = await db.query<StatisticsRow>(
        CACHED_STATISTICS_SQL,
        [tenant, state?.version ?? '', unique, missingTerms, documents, missingDocuments],
        { name: 'gw_ranker_statistics_cached' },
      );
      const row = rows[0];
      const read = readLists(row);
      if (row?.moved || !state) {
        counters.moved++;
        const fresh: TenantState = { version: row?.version ?? 'none', n: row?.n ?? 0, total: row?.total ?? 0, df: read.df, chunks: read.chunks };
        for (const id of documents) if (!fresh.chunks.has(id)) fresh.chunks.set(id, 0);
        keep(tenant, fresh, 0);
        return statistics(fresh.n, fresh.total, unique, documents, read.df, read.chunks);
      }
      counters.current++;
      let added = 0;
      for (const [term, df] of read.df) if (!state.df.has(term)) (state.df.set(term, df), added++);
      for (const [id, chunks] of read.chunks) if (!state.chunks.has(id)) (state.chunks.set(id, chunks), added++);
      // Documents asked for and not found have no chunk (0), as the uncached statement reads them.
      for (const id of missingDocuments) if (!state.chunks.has(id)) (state.chunks.set(id, 0), added++);
      if (tenants.get(tenant) === state) keep(tenant, state, added);
      return statistics(state.n, state.total, unique, documents, state.df, state.chunks);
    },
    stats: () => ({ entries: held, ...counters }),
    clear() {
      tenants.clear();
      held = 0;
    },
  };
}
