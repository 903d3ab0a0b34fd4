import type { Queryable } from '../db/types.js';
import type { LegHit } from './retrieval-leg.js';
import { idf } from '../search-index/bm25.js';

/**
 * An in-process cache of BM25 posting lists, checked against the tenant's index version on every
 * query, so it never scores from postings the database no longer holds.
 *
 * Why: with the postings in SQL, a 10k-chunk query spends ~4 ms of database CPU unnesting and
 * aggregating ~10k postings (measured), and the database is what limits the HTTP service's
 * throughput. The same postings scored here take a fraction of a millisecond.
 *
 * Correctness: every write that changes postings bumps `tenants.index_version` in the same
 * transaction (document-store.ts, recordIndexChange); the version key also carries the row's xmin,
 * so a tenant row deleted and created again (its counter restarting) never matches an old key.
 * Each query reads the version, the collection statistics and the postings of the terms it lacks
 * in one statement (one snapshot). Entries are tagged with the version they were read at and used
 * only while it is still current; so the cached postings equal what the statement's snapshot
 * would have returned, and the scores equal the SQL evaluation's up to floating-point summation
 * order (same formula and constants; test/retrieve/posting-cache.test.ts).
 */
export interface PostingCacheOptions {
  /** Postings held in memory over all tenants (16 bytes each), least recently used evicted. */
  maxPostings: number;
  /** A query whose missing terms hold more postings than this is left to the SQL evaluation. */
  maxQueryPostings: number;
}

export interface PostingCacheStats {
  /** Postings held now. */
  postings: number;
  /** Term lists held now (absent terms included). */
  terms: number;
  /** Queries scored here, and queries left to SQL (too many postings to fetch). */
  queries: number;
  declined: number;
  /** Term lists found current in the cache, and fetched. */
  termHits: number;
  termFetches: number;
}

/** What the sparse leg needs back: the scores and the statistics for the upper bound. */
export interface CachedScoring {
  results: LegHit[];
  n: number;
  total: number;
  /** Document frequency of each query term (0 for terms absent from the collection), in query order. */
  df: number[];
  /** Postings scored (sum of df). */
  postings: number;
  /** The tenant's index version (index_version:xmin) the statement read: the state these scores are of. */
  version: string;
}

export interface PostingCache {
  /**
   * Exhaustive BM25 over the query terms from cached postings, fetching what is missing or stale;
   * undefined when the missing postings exceed maxQueryPostings (the caller evaluates in SQL).
   */
  score(db: Queryable, query: { tenant: string; terms: ReadonlyMap<string, number>; k1: number; b: number; limit: number }): Promise<CachedScoring | undefined>;
  stats(): PostingCacheStats;
  /** Drops everything (tests, or to free memory). */
  clear(): void;
}

interface TermList {
  tenant: string;
  version: string;
  df: number;
  ids: Float64Array;
  tfs: Int32Array;
  dls: Int32Array;
}

const EMPTY_IDS = new Float64Array(0);
const EMPTY_INTS = new Int32Array(0);

/**
 * One statement, one snapshot: the tenant's index version and statistics, the size of what must be
 * fetched (terms the cache lacks, or all of them when the version moved), and those postings when
 * they fit the per-query limit, block by block in chunk-id order.
 */
const FETCH_SQL = `
WITH v AS (SELECT COALESCE((SELECT index_version::text || ':' || xmin::text FROM tenants WHERE tenant = $1), 'none') AS version),
     st AS (SELECT GREATEST(COALESCE(sum(chunk_delta), 0), 0)::float8 AS n,
                   GREATEST(COALESCE(sum(length_delta), 0), 0)::float8 AS total
              FROM tenant_term_stats WHERE tenant = $1),
     need AS (SELECT q.term FROM unnest($2::text[]) AS q(term), v WHERE v.version <> $4::text OR q.term = ANY($3::text[])),
     sz AS (SELECT COALESCE(sum(p.n), 0)::float8 AS postings FROM need JOIN posting_blocks p ON p.tenant = $1 AND p.term = need.term)
SELECT v.version, st.n, st.total, sz.postings, b.term, b.n AS block_n,
       array_to_string(b.chunk_ids, ',') AS ids, array_to_string(b.tfs, ',') AS tfs, array_to_string(b.dls, ',') AS dls
  FROM v CROSS JOIN st CROSS JOIN sz
  LEFT JOIN LATERAL (SELECT p.term, p.block_id, p.n, p.chunk_ids, p.tfs, p.dls
                       FROM need JOIN posting_blocks p ON p.tenant = $1 AND p.term = need.term
                      WHERE sz.postings <= $5::float8 AND p.n > 0
                      ORDER BY p.term, p.block_id) b ON TRUE`;

type FetchRow = { version: string; n: number; total: number; postings: number; term: string | null; block_n: number | null; ids: string | null; tfs: string | null; dls: string | null };

export function createPostingCache(options: PostingCacheOptions): PostingCache {
  if (!Number.isInteger(options.maxPostings) || options.maxPostings < 0) throw new TypeError('maxPostings must be a non-negative integer');
  if (!Number.isInteger(options.maxQueryPostings) || options.maxQueryPostings < 0) throw new TypeError('maxQueryPostings must be a non-negative integer');
  /** Key `tenant \0 term`; Map order is recency (a hit re-inserts), so the first key is the LRU. */
  const lists = new Map<string, TermList>();
  /** Last version seen per tenant: what cached lists must carry to be current. */
  const versions = new Map<string, string>();
  let held = 0;
  const counters = { queries: 0, declined: 0, termHits: 0, termFetches: 0 };

  const drop = (key: string, list: TermList): void => {
    lists.delete(key);
    held -= list.ids.length;
  };

  const insert = (key: string, list: TermList): void => {
    const old = lists.get(key);
    if (old) drop(key, old);
    if (list.ids.length > options.maxPostings) return;
    lists.set(key, list);
    held += list.ids.length;
    for (const [k, l] of lists) {
      if (held <= options.maxPostings) break;
      drop(k, l);
    }
  };

  return {
    async score(db, query) {
      const terms = [...query.terms.keys()];
      const known = versions.get(query.tenant) ?? '';
      const current = new Map<string, TermList>();
      const missing: string[] = [];
      for (const term of terms) {
        const key = `${query.tenant}\u0000${term}`;
        const list = lists.get(key);
        if (list && list.version === known) {
          current.set(term, list);
          // Recency: move to the end.
          lists.delete(key);
          lists.set(key, list);
        } else missing.push(term);
      }
      const { rows } = await db.query<FetchRow>(FETCH_SQL, [query.tenant, terms, missing, known, options.maxQueryPostings], { name: 'gw_posting_cache_fetch' });
      const head = rows[0];
      if (head.postings > options.maxQueryPostings) {
        counters.declined += 1;
        return undefined;
      }
      const { version } = head;
      if (version !== known) {
        versions.set(query.tenant, version);
        current.clear();
      }
      // Group the fetched blocks per term (rows come ordered by term, then block).
      const fetched = new Map<string, { n: number; ids: string[]; tfs: string[]; dls: string[] }>();
      for (const row of rows) {
        if (row.term === null) continue;
        let f = fetched.get(row.term);
        if (!f) fetched.set(row.term, (f = { n: 0, ids: [], tfs: [], dls: [] }));
        f.n += row.block_n!;
        f.ids.push(row.ids!);
        f.tfs.push(row.tfs!);
        f.dls.push(row.dls!);
      }
      for (const term of terms) {
        if (current.has(term)) continue;
        const f = fetched.get(term);
        const list: TermList = f
          ? { tenant: query.tenant, version, df: f.n, ids: parseInts(f.ids, f.n, Float64Array), tfs: parseInts(f.tfs, f.n, Int32Array), dls: parseInts(f.dls, f.n, Int32Array) }
          : { tenant: query.tenant, version, df: 0, ids: EMPTY_IDS, tfs: EMPTY_INTS, dls: EMPTY_INTS };
        current.set(term, list);
        insert(`${query.tenant}\u0000${term}`, list);
        counters.termFetches += 1;
      }
      counters.termHits += terms.length - missing.length;
      counters.queries += 1;
      return { ...scoreLists(terms.map((t) => [query.terms.get(t)!, current.get(t)!] as const), head.n, head.total, query), version };
    },
    stats: () => ({ postings: held, terms: lists.size, ...counters }),
    clear() {
      lists.clear();
      versions.clear();
      held = 0;
    },
  };
}

/**
 * Exhaustive BM25 with sparse-leg.ts's formula and constants: each chunk's contributions summed in
 * query-term order, ties by chunk id.
 */
function scoreLists(
  lists: ReadonlyArray<readonly [qtf: number, list: TermList]>,
  n: number,
  total: number,
  query: { k1: number; b: number; limit: number },
): Omit<CachedScoring, 'version'> {
  const avgdl = Math.max(n > 0 ? total / n : 1, 1);
  const { k1, b } = query;
  const k1p1 = k1 + 1;
  const c1 = k1 * (1 - b);
  const c2 = (k1 * b) / avgdl;
  const weighted: Array<{ w: number; list: TermList }> = [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let postings = 0;
  for (const [qtf, list] of lists) {
    if (list.df === 0) continue;
    weighted.push({ w: qtf * idf(n, list.df), list });
    postings += list.ids.length;
    // Each list is in chunk-id order: its ends are its extremes.
    lo = Math.min(lo, list.ids[0]);
    hi = Math.max(hi, list.ids[list.ids.length - 1]);
  }
  const df = lists.map(([, l]) => l.df);
  if (postings === 0) return { results: [], n, total, df, postings };
  // Sums per chunk: in a dense scratch array over the id range when it is small (a tenant's ids
  // are mostly contiguous), else a Map. Scoring is synchronous, so one scratch serves every query.
  const range = hi - lo + 1;
  const results =
    range <= DENSE_SCORES_MAX
      ? topKDense(weighted, lo, range, { k1p1, c1, c2 }, query.limit)
      : topK(sparseScores(weighted, { k1p1, c1, c2 }), query.limit);
  return { results, n, total, df, postings };
}

/** Chunk-id ranges up to this use the dense scratch (8 bytes per id: 8 MB at most). */
const DENSE_SCORES_MAX = 1 << 20;
let scratch = new Float64Array(0);
let seen = new Uint8Array(0);

type Constants = { k1p1: number; c1: number; c2: number };

function topKDense(weighted: Array<{ w: number; list: TermList }>, lo: number, range: number, { k1p1, c1, c2 }: Constants, limit: number): LegHit[] {
  if (scratch.length < range) {
    scratch = new Float64Array(Math.min(DENSE_SCORES_MAX, Math.max(range, scratch.length * 2)));
    seen = new Uint8Array(scratch.length);
  }
  const touched: number[] = [];
  for (const { w, list } of weighted) {
    const { ids, tfs, dls } = list;
    for (let i = 0; i < ids.length; i += 1) {
      const tf = tfs[i];
      const s = (w * tf * k1p1) / (tf + c1 + c2 * dls[i]);
      const at = ids[i] - lo;
      if (seen[at] === 0) {
        seen[at] = 1;
        scratch[at] = s;
        touched.push(at);
      } else scratch[at] += s;
    }
  }
  const best = topKOf(
    touched.length,
    (j) => touched[j] + lo,
    (j) => scratch[touched[j]],
    limit,
  );
  for (const at of touched) seen[at] = 0;
  return best;
}

function sparseScores(weighted: Array<{ w: number; list: TermList }>, { k1p1, c1, c2 }: Constants): Map<number, number> {
  const scores = new Map<number, number>();
  for (const { w, list } of weighted) {
    const { ids, tfs, dls } = list;
    for (let i = 0; i < ids.length; i += 1) {
      const tf = tfs[i];
      const s = (w * tf * k1p1) / (tf + c1 + c2 * dls[i]);
      const id = ids[i];
      const prior = scores.get(id);
      scores.set(id, prior === undefined ? s : prior + s);
    }
  }
  return scores;
}

function topK(scores: Map<number, number>, limit: number): LegHit[] {
  const ids = [...scores.keys()];
  const values = [...scores.values()];
  return topKOf(ids.length, (j) => ids[j], (j) => values[j], limit);
}

/** The `limit` best of m items (score desc, chunk id asc), by a bounded min-heap: O(m log k). */
function topKOf(m: number, idOf: (j: number) => number, scoreOf: (j: number) => number, limit: number): LegHit[] {
  const heap: LegHit[] = [];
  if (limit <= 0) return heap;
  // "Worse" = lower score, or equal score and larger id.
  const worse = (a: LegHit, b: LegHit): boolean => a.score < b.score || (a.score === b.score && a.chunkId > b.chunkId);
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let x = i;
      if (l < heap.length && worse(heap[l], heap[x])) x = l;
      if (r < heap.length && worse(heap[r], heap[x])) x = r;
      if (x === i) return;
      [heap[i], heap[x]] = [heap[x], heap[i]];
      i = x;
    }
  };
  for (let j = 0; j < m; j += 1) {
    const score = scoreOf(j);
    if (heap.length === limit) {
      const root = heap[0];
      // Skip the allocation for the common case: not better than the current k-th.
      if (score < root.score || (score === root.score && idOf(j) > root.chunkId)) continue;
      heap[0] = { chunkId: idOf(j), score };
      siftDown(0);
      continue;
    }
    heap.push({ chunkId: idOf(j), score });
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!worse(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  }
  return heap.sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
}
/** Comma-separated non-negative integers (PostgreSQL's array_to_string of int arrays), pieces joined. */
function parseInts<T extends Float64Array | Int32Array>(pieces: string[], count: number, Kind: { new (length: number): T }): T {
  const out = new Kind(count);
  let at = 0;
  for (const piece of pieces) {
    let value = 0;
    let digits = false;
    for (let i = 0; i < piece.length; i += 1) {
      const c = piece.charCodeAt(i);
      if (c === 44) {
        out[at++] = value;
        value = 0;
        digits = false;
      } else if (c >= 48 && c <= 57) {
        value = value * 10 + (c - 48);
        digits = true;
      } else throw new Error(`posting cache: unexpected character ${JSON.stringify(piece[i])} in a posting array`);
    }
    if (digits) out[at++] = value;
  }
  if (at !== count) throw new Error(`posting cache: expected ${count} postings, read ${at}`);
  return out;
}
