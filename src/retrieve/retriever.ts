import type { Db } from '../db/types.js';
import { InputError } from '../errors.js';
import type { Embedder, Reranker } from '../models/types.js';
import type { Analyzer } from '../search-index/analyzer.js';
import { denseSearch, DENSE_FILTER_FIRST_PARAM } from './dense-leg.js';
import { checkQueryEmbedder } from '../search-index/embedder-binding.js';
import { compileFilters, parseFilters } from './filters.js';
import { reciprocalRankFusion, weightedFusion, type LegResult } from './fusion.js';
import { MAX_QUERY_TERMS, type RetrieveOptions } from './retrieve-options.js';
import type { PostingCache } from './posting-cache.js';
import { sparseSearch } from './sparse-leg.js';
import type { RetrievalMode, RetrieveRequest, RetrieveResult, RetrievedChunk } from './types.js';

/** Longest query text accepted, in characters (a query is cut at MAX_QUERY_TERMS terms after analysis). */
export const MAX_QUERY_CHARS = 8192;

export interface RetrieverDeps {
  db: Db;
  analyzer: Analyzer;
  options: RetrieveOptions;
  embedder?: Embedder;
  reranker?: Reranker;
  /** BM25 postings held in process, checked against the index version per query (see posting-cache.ts). */
  postingCache?: PostingCache;
}

export interface Retriever {
  retrieve(request: RetrieveRequest): Promise<RetrieveResult>;
}

/**
 * The retriever: sparse (BM25) and dense (HNSW) legs in parallel, fusion (RRF or weighted),
 * optional cross-encoder rerank over max(candidates, k) candidates (fusion also takes that many per
 * leg; without a reranker fusion takes max(fusionWindow, k) per leg and a single leg k), and a
 * confidence in [0, 1].
 */
export function createRetriever(deps: RetrieverDeps): Retriever {
  const { db, analyzer, options } = deps;
  return {
    async retrieve(request) {
      const started = performance.now();
      const timings: Record<string, number> = {};
      const notices: string[] = [];
      const query = request.query ?? '';
      if (typeof query !== 'string' || query.trim() === '') throw new InputError('query', 'must not be empty or whitespace');
      if (query.length > MAX_QUERY_CHARS) throw new InputError('query', `is ${query.length} characters; the limit is ${MAX_QUERY_CHARS}`);
      const k = request.k ?? options.topK;
      if (!Number.isInteger(k) || k < 1 || k > 1000) throw new InputError('k', 'must be an integer from 1 to 1000');
      const filters = parseFilters(request.filters ?? []);
      const requested: RetrievalMode = request.mode ?? options.mode;
      let mode = requested;
      if (mode !== 'sparse' && !deps.embedder) {
        if (mode === 'dense') throw new InputError('mode', 'dense retrieval needs an embedding model; none is configured (see `groundwork models`)');
        mode = 'sparse';
        notices.push('no embedding model is configured: hybrid retrieval degraded to sparse (BM25 only)');
      }
      // Candidates per leg: a reranker needs max(candidates, k); without one, hybrid fusion takes
      // max(fusionWindow, k) per leg (Elasticsearch's RRF rank_window_size defaults to the result
      // size too) and a single leg its top k, which also lets BM25's top-k pruning cut deeper.
      const candidates = deps.reranker ? Math.max(options.candidates, k) : mode === 'hybrid' ? Math.max(options.fusionWindow, k) : k;

      const allTerms = analyzer.terms(query);
      if (allTerms.length > MAX_QUERY_TERMS) notices.push(`query cut to its first ${MAX_QUERY_TERMS} terms`);
      const terms = new Map<string, number>();
      for (const term of allTerms.slice(0, MAX_QUERY_TERMS)) terms.set(term, (terms.get(term) ?? 0) + 1);

      const legs: Promise<void>[] = [];
      let sparse: LegResult[] = [];
      let dense: LegResult[] = [];
      let sparseConfidence = 0;
      let denseConfidence = 0;
      if (mode !== 'dense') {
        if (terms.size === 0) notices.push('the query has only stop words or no words: the sparse leg returns nothing');
        else
          legs.push(
            (async () => {
              const t = performance.now();
              const result = await sparseSearch(db, {
                tenant: request.tenant,
                terms,
                k1: options.k1,
                b: options.b,
                limit: candidates,
                filters,
              }, deps.postingCache);
              sparse = result.results;
              sparseConfidence = sparse.length && result.upperBound > 0 ? Math.min(1, sparse[0].score / result.upperBound) : 0;
              timings.sparseMs = performance.now() - t;
            })(),
          );
      }
      if (mode !== 'sparse' && deps.embedder) {
        legs.push(
          (async () => {
            const registered = await checkQueryEmbedder(db, request.tenant, deps.embedder);
            if (!registered) {
              notices.push(`tenant ${request.tenant} has no dense index yet: the dense leg returns nothing`);
              return;
            }
            let t = performance.now();
            const vector = await deps.embedder!.embedQuery(query);
            timings.embedMs = performance.now() - t;
            t = performance.now();
            dense = await denseSearch(db, {
              tenant: request.tenant,
              embedder: registered,
              vector,
              limit: candidates,
              efSearch: options.efSearch,
              filter: compileFilters(filters, DENSE_FILTER_FIRST_PARAM),
            });
            denseConfidence = dense.length ? Math.max(0, Math.min(1, dense[0].score)) : 0;
            timings.denseMs = performance.now() - t;
          })(),
        );
      }
      await Promise.all(legs);

      let fused: LegResult[];
      if (mode === 'sparse') fused = sparse;
      else if (mode === 'dense') fused = dense;
      else if (options.fusion === 'rrf') fused = reciprocalRankFusion([sparse, dense], options.rrfK);
      else fused = weightedFusion([sparse, dense], [1 - options.denseWeight, options.denseWeight]);
      fused = fused.slice(0, candidates);

      const sparseRank = new Map(sparse.map((r, i) => [r.chunkId, { score: r.score, rank: i + 1 }]));
      const denseRank = new Map(dense.map((r, i) => [r.chunkId, { score: r.score, rank: i + 1 }]));
      let chunks = await loadChunks(db, request.tenant, fused.map((r) => r.chunkId));
      let ranked: RetrievedChunk[] = [];
      for (const r of fused) {
          const chunk = chunks.get(r.chunkId);
          if (!chunk) continue;
          const s = sparseRank.get(r.chunkId);
          const d = denseRank.get(r.chunkId);
          ranked.push({
            ...chunk,
            score: r.score,
            scores: {
              sparse: s?.score,
              sparseRank: s?.rank,
              dense: d?.score,
              denseRank: d?.rank,
              fused: mode === 'hybrid' ? r.score : undefined,
            },
          });
      }

      if (deps.reranker && ranked.length > 0) {
        const t = performance.now();
        const scores = await deps.reranker.rerank(query, ranked.map((c) => c.text));
        ranked = ranked.map((c, i) => ({ ...c, score: scores[i], scores: { ...c.scores, rerank: scores[i] } })).sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
        timings.rerankMs = performance.now() - t;
      }
      ranked = ranked.slice(0, k);
      if (options.expandNeighbours > 0 && ranked.length > 0) ranked = await expandNeighbours(db, request.tenant, ranked, options.expandNeighbours);
      chunks = new Map();

      // Confidence: sparse = top BM25 score over the query's own upper bound; dense = top cosine;
      // hybrid = their mean. Comparable across queries; calibrated later by the eval harness.
      const confidence = mode === 'sparse' ? sparseConfidence : mode === 'dense' ? denseConfidence : (sparseConfidence + denseConfidence) / 2;
      timings.totalMs = performance.now() - started;
      return {
        query,
        mode,
        ...(mode !== requested ? { requestedMode: requested } : {}),
        notices,
        confidence: ranked.length ? confidence : 0,
        chunks: ranked,
        timings,
      };
    },
  };
}

type ChunkRow = Omit<RetrievedChunk, 'score' | 'scores'>;

/** Loads chunk rows with their documents, tenant-checked. */
export async function loadChunks(db: Db, tenant: string, ids: number[]): Promise<Map<number, ChunkRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{
    id: number; document_id: number; external_id: string; version: number; source: string; title: string; text: string;
    ordinal: number; page: number | null; heading_path: string[]; metadata: Record<string, unknown>; doc_metadata: Record<string, unknown>;
  }>(
    `SELECT c.id, c.document_id, d.external_id, d.version, d.source, d.title, c.text, c.ordinal, c.page, c.heading_path,
            c.metadata, d.metadata AS doc_metadata
       FROM chunks c JOIN documents d ON d.id = c.document_id
      WHERE c.tenant = $1 AND c.id = ANY($2::bigint[])`,
    [tenant, ids],
    { name: 'gw_load_chunks' },
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        chunkId: r.id,
        documentId: r.document_id,
        externalId: r.external_id,
        documentVersion: r.version,
        source: r.source,
        title: r.title,
        text: r.text,
        ordinal: r.ordinal,
        ...(r.page !== null ? { page: r.page } : {}),
        headingPath: r.heading_path,
        metadata: { ...r.doc_metadata, ...r.metadata },
      },
    ]),
  );
}

/** Context expansion: adds the text of up to n neighbour chunks on each side of every hit. */
async function expandNeighbours(db: Db, tenant: string, hits: RetrievedChunk[], n: number): Promise<RetrievedChunk[]> {
  const { rows } = await db.query<{ document_id: number; ordinal: number; text: string }>(
    `SELECT c.document_id, c.ordinal, c.text FROM chunks c
       JOIN unnest($2::bigint[], $3::int[]) AS h(document_id, ordinal) ON c.document_id = h.document_id
      WHERE c.tenant = $1 AND c.ordinal BETWEEN h.ordinal - $4 AND h.ordinal + $4
      ORDER BY c.document_id, c.ordinal`,
    [tenant, hits.map((h) => h.documentId), hits.map((h) => h.ordinal), n],
  );
  return hits.map((hit) => {
    const around = rows.filter((r) => r.document_id === hit.documentId && Math.abs(r.ordinal - hit.ordinal) <= n);
    const unique = [...new Map(around.map((r) => [r.ordinal, r.text])).entries()].sort((a, b) => a[0] - b[0]);
    return { ...hit, metadata: { ...hit.metadata, expandedFrom: unique.map(([o]) => o) }, text: unique.map(([, t]) => t).join('\n\n') };
  });
}
