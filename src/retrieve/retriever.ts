import type { Db } from '../db/types.js';
import { InputError } from '../errors.js';
import type { Embedder, Reranker } from '../models/types.js';
import type { Analyzer } from '../search-index/analyzer.js';
import { parseFilters } from './filters.js';
import { fuseLegs, type FusedResult } from './fusion.js';
import { defaultLegRegistry, type LegRegistration, type LegRegistry } from './leg-registry.js';
import type { PostingCache } from './posting-cache.js';
import { createRankerStage } from './ranker/apply-ranker.js';
import { parseStoredTerms, type StoredTerms } from './ranker/stored-terms.js';
import { withRm3 } from './ranker/rm3-leg.js';
import type { LegContext, LegRequest, LegSearchResult } from './retrieval-leg.js';
import { HYBRID_MODE } from './retrieval-modes.js';
import { MAX_QUERY_TERMS, type RetrieveOptions } from './retrieve-options.js';
import type { Filter, LegMode, RetrievalMode, RetrieveRequest, RetrieveResult, RetrievedChunk } from './types.js';
import { withSpan } from '../monitor/tracing/with-span.js';

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
  /** The legs to run (default: defaultLegRegistry({ postingCache })): their names are the modes. */
  legs?: LegRegistry;
}

/** Retrieves ranked chunks; `Mode` as in RetrieveResult (built-in modes unless built with its own legs). */
export interface Retriever<Mode extends string = RetrievalMode> {
  retrieve(request: RetrieveRequest): Promise<RetrieveResult<Mode>>;
}

/** One leg's part in a retrieval: what it found, and how long it took. */
interface LegOutcome {
  registration: LegRegistration;
  result: LegSearchResult;
  ms: number;
}

/**
 * The retriever: the registered legs (BM25 and dense by default) in parallel, fusion over them
 * (RRF or weighted, any number of legs), optional cross-encoder rerank over max(candidates, k)
 * candidates (fusion also takes that many per leg; without a reranker fusion takes
 * max(fusionWindow, k) per leg and a single leg k), and a confidence in [0, 1].
 */
export function createRetriever(deps: RetrieverDeps & { legs?: undefined }): Retriever;
export function createRetriever(deps: RetrieverDeps): Retriever<LegMode>;
export function createRetriever(deps: RetrieverDeps): Retriever<LegMode> {
  const { db, analyzer, options } = deps;
  const registry = withRm3(deps.legs ?? defaultLegRegistry({ postingCache: deps.postingCache }), options.rm3);
  // retrieve.ranker: the learned ranker (ranker/), loaded and checked now; undefined when off.
  const rankerStage = createRankerStage(options.ranker, analyzer, options.titleWeight);
  return {
    async retrieve(request) {
      const started = performance.now();
      const { signal } = request;
      signal?.throwIfAborted();
      const notices: string[] = [];
      const query = request.query ?? '';
      if (typeof query !== 'string' || query.trim() === '') throw new InputError('query', 'must not be empty or whitespace');
      if (query.length > MAX_QUERY_CHARS) throw new InputError('query', `is ${query.length} characters; the limit is ${MAX_QUERY_CHARS}`);
      const k = request.k ?? options.topK;
      if (!Number.isInteger(k) || k < 1 || k > 1000) throw new InputError('k', 'must be an integer from 1 to 1000');
      const filters = parseFilters(request.filters ?? []);
      const requested: LegMode = request.mode ?? options.mode;
      const { mode, legs } = chooseLegs(registry, requested, { embedder: deps.embedder, filters, notices });
      const fused = mode === HYBRID_MODE;
      // Candidates per leg: a reranker needs max(candidates, k); without one, hybrid fusion takes
      // max(fusionWindow, k) per leg (Elasticsearch's RRF rank_window_size defaults to the result
      // size too) and a single leg its top k, which also lets BM25's top-k pruning cut deeper.
      // The learned ranker re-orders its depth of candidates: the legs return at least that many.
      const candidates = Math.max(rankerStage?.depth ?? 0, deps.reranker ? Math.max(options.candidates, k) : fused ? Math.max(options.fusionWindow, k) : k);

      const allTerms = analyzer.terms(query);
      if (allTerms.length > MAX_QUERY_TERMS) notices.push(`query cut to its first ${MAX_QUERY_TERMS} terms`);
      const queryTerms = allTerms.slice(0, MAX_QUERY_TERMS);
      const terms = new Map<string, number>();
      for (const term of queryTerms) terms.set(term, (terms.get(term) ?? 0) + 1);

      // 1. The legs, in parallel.
      const legRequest: LegRequest = { tenant: request.tenant, query, terms, limit: candidates, filters };
      const context: LegContext = { db, analyzer, options, embedder: deps.embedder, signal };
      const outcomes = await untilAborted(Promise.all(legs.map((registration) => runLeg(registration, legRequest, context))), signal);
      for (const { result } of outcomes) notices.push(...(result.notices ?? []));

      // 2. Fusion, then the chunks with every leg's score and rank.
      const fusedHits = fuseLegs(
        outcomes.map(({ registration, result }) => ({ hits: result.hits, weight: registry.weightOf(registration, options) })),
        options,
      ).slice(0, candidates);
      // The fusion span covers loading the fused chunks too (fusing itself takes microseconds).
      // The ranker's candidates it holds no analysis for: their stored terms come with the chunk rows.
      const prefetch = rankerStage ? { ids: rankerStage.termsToPrefetch(fusedHits.map((hit) => hit.chunkId)), stored: new Map<number, StoredTerms>(), documentChunks: new Map<number, number>() } : undefined;
      let ranked = await withSpan('fusion', { 'groundwork.retrieve.legs': outcomes.length, 'groundwork.retrieve.fused': fusedHits.length }, () =>
        rankedChunks(db, request.tenant, fusedHits, outcomes, fused, prefetch),
      );

      // 3. After fusion, before rerank: the learned ranker (retrieve.ranker).
      // The index version the sparse leg read its postings at (posting cache), when it read one.
      const indexVersion = outcomes.find((o) => o.result.indexVersion !== undefined)?.result.indexVersion;
      // The statistics the first stage read (posting-cache BM25 leg): the ranker need not read them again.
      const indexStatistics = outcomes.find((o) => o.result.indexStatistics !== undefined)?.result.indexStatistics;
      const firstStage = indexStatistics ?? indexVersion;
      if (rankerStage) ranked = await withSpan('ranker', { 'groundwork.ranker.depth': rankerStage.depth, 'groundwork.ranker.candidates': ranked.length }, () => rankerStage.rank(db, request.tenant, query, queryTerms, ranked, undefined, firstStage, prefetch && { asked: new Set(prefetch.ids), stored: prefetch.stored, documentChunks: prefetch.documentChunks }));

      // 4. Rerank, cut to k, expand.
      let rerankMs = 0;
      if (deps.reranker && ranked.length > 0) {
        const t = performance.now();
        const reranker = deps.reranker;
        const scores = await withSpan('rerank', { 'groundwork.reranker': reranker.id, 'groundwork.rerank.candidates': ranked.length }, () => reranker.rerank(query, ranked.map((c) => c.text)));
        ranked = ranked.map((c, i) => ({ ...c, score: scores[i], scores: { ...c.scores, rerank: scores[i] } })).sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
        rerankMs = performance.now() - t;
      }
      ranked = ranked.slice(0, k);
      if (options.expandNeighbours > 0 && ranked.length > 0) ranked = await expandNeighbours(db, request.tenant, ranked, options.expandNeighbours);

      // Confidence: each leg's own (BM25: top score over the query's upper bound; dense: top
      // cosine), their mean when fused. Comparable across queries; calibrated by the eval harness.
      const confidence = outcomes.length ? outcomes.reduce((sum, o) => sum + o.result.confidence, 0) / outcomes.length : 0;
      const embedded = outcomes.filter((o) => o.result.embedMs !== undefined);
      const legsMs = Object.fromEntries(outcomes.map((o) => [o.registration.leg.name, o.ms]));
      return {
        query,
        mode,
        ...(mode !== requested ? { requestedMode: requested } : {}),
        notices,
        confidence: ranked.length ? confidence : 0,
        chunks: ranked,
        ...(indexVersion !== undefined ? { indexVersion } : {}),
        timings: {
          totalMs: performance.now() - started,
          legsMs,
          rerankMs,
          ...(embedded.length ? { embedMs: embedded.reduce((sum, o) => sum + o.result.embedMs!, 0) } : {}),
          // The flat per-leg keys of earlier versions (deprecated, one minor version).
          ...(legsMs.sparse !== undefined ? { sparseMs: legsMs.sparse } : {}),
          ...(legsMs.dense !== undefined ? { denseMs: legsMs.dense } : {}),
        },
      };
    },
  };
}

/**
 * The legs a mode runs. A leg's name runs it alone, or fails with the reason it cannot; hybrid runs
 * every leg that can, and says which it left out (no embedder, or filters the leg does not apply).
 * Hybrid down to one leg reports that leg's name as the mode.
 */
function chooseLegs(
  registry: LegRegistry,
  requested: LegMode,
  { embedder, filters, notices }: { embedder: Embedder | undefined; filters: Filter[]; notices: string[] },
): { mode: LegMode; legs: LegRegistration[] } {
  if (requested !== HYBRID_MODE) {
    const registration = registry.get(requested);
    if (!registration) throw new InputError('mode', `must be one of ${registry.modes.join(', ')}; got ${JSON.stringify(requested)}`);
    const { name, capabilities } = registration.leg;
    if (capabilities.needsEmbedder && !embedder) throw new InputError('mode', `${name} retrieval needs an embedding model; none is configured (see \`groundwork models\`)`);
    if (filters.length > 0 && !capabilities.filters) throw new InputError('filters', `the ${name} leg does not apply filters; use another mode or no filters`);
    return { mode: requested, legs: [registration] };
  }
  const all = registry.registrations;
  const withoutEmbedder = embedder ? [] : all.filter((r) => r.leg.capabilities.needsEmbedder);
  const withoutFilters = filters.length > 0 ? all.filter((r) => !r.leg.capabilities.filters && !withoutEmbedder.includes(r)) : [];
  const legs = all.filter((r) => !withoutEmbedder.includes(r) && !withoutFilters.includes(r));
  if (legs.length === 0) throw new InputError('mode', `hybrid retrieval has no leg that can run (${all.map((r) => r.leg.name).join(', ') || 'none registered'})`);
  const mode = legs.length === 1 && legs.length < all.length ? legs[0].leg.name : HYBRID_MODE;
  const remaining = legs.map((r) => r.leg.name).join(' + ');
  if (withoutEmbedder.length > 0) {
    notices.push(`no embedding model is configured: hybrid retrieval degraded to ${remaining}${remaining === 'sparse' ? ' (BM25 only)' : ''}`);
  }
  if (withoutFilters.length > 0) notices.push(`the ${withoutFilters.map((r) => r.leg.name).join(', ')} leg does not apply filters: left out of hybrid retrieval`);
  return { mode, legs };
}

async function runLeg(registration: LegRegistration, request: LegRequest, context: LegContext): Promise<LegOutcome> {
  const { name } = registration.leg;
  // One span per leg (`retrieve sparse`, `retrieve dense`, ...), under the retrieval's.
  return withSpan(`retrieve ${name}`, { 'groundwork.retrieve.leg': name, 'groundwork.retrieve.limit': request.limit }, async (span) => {
    const started = performance.now();
    const result = await registration.leg.search(request, context);
    if (span.isRecording()) span.setAttributes({ 'groundwork.retrieve.hits': result.hits.length, 'groundwork.retrieve.confidence': result.confidence });
    return { registration, result, ms: performance.now() - started };
  });
}

/** The promise, or the signal's reason as soon as it aborts (the legs' round trips finish unobserved). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

/** Fused hits as chunks, each with every leg's score and rank under the leg's name (`sparse`, `sparseRank`, ...). */
async function rankedChunks(db: Db, tenant: string, hits: FusedResult[], outcomes: LegOutcome[], fused: boolean, prefetch?: TermsPrefetch): Promise<RetrievedChunk[]> {
  const perLeg = outcomes.map(({ registration, result }) => ({
    name: registration.leg.name,
    ranks: new Map(result.hits.map((hit, i) => [hit.chunkId, { score: hit.score, rank: i + 1 }])),
  }));
  const chunks = await loadChunks(db, tenant, hits.map((r) => r.chunkId), prefetch);
  const ranked: RetrievedChunk[] = [];
  for (const hit of hits) {
    const chunk = chunks.get(hit.chunkId);
    if (!chunk) continue;
    const scores: RetrievedChunk['scores'] = {};
    for (const { name, ranks } of perLeg) {
      const found = ranks.get(hit.chunkId);
      if (!found) continue;
      scores[name] = found.score;
      scores[`${name}Rank`] = found.rank;
    }
    if (fused) scores.fused = hit.score;
    ranked.push({ ...chunk, score: hit.score, scores });
  }
  return ranked;
}

type ChunkRow = Omit<RetrievedChunk, 'score' | 'scores'>;

/** Chunks whose stored terms (chunks.term_order) to read with their rows, and where to put them. */
export interface TermsPrefetch {
  ids: readonly number[];
  stored: Map<number, StoredTerms>;
  /** Filled, when given, with the loaded chunks' documents' chunk counts (every row, not only `ids`). */
  documentChunks?: Map<number, number>;
}

type ChunkQueryRow = {
  id: number; document_id: number; external_id: string; version: number; source: string; title: string; text: string;
  ordinal: number; page: number | null; heading_path: string[]; metadata: Record<string, unknown>; doc_metadata: Record<string, unknown>;
  chunk_count: number; stored_terms?: string | null; term_order?: Uint8Array | null;
};

/**
 * Loads chunk rows with their documents, tenant-checked; with `prefetch`, the stored terms of its
 * chunks too (in the same statement: the rows are read anyway), into `prefetch.stored`.
 */
export async function loadChunks(db: Db, tenant: string, ids: number[], prefetch?: TermsPrefetch): Promise<Map<number, ChunkRow>> {
  if (ids.length === 0) return new Map();
  const withTerms = prefetch !== undefined && prefetch.ids.length > 0;
  const { rows } = await db.query<ChunkQueryRow>(
    `SELECT c.id, c.document_id, d.external_id, d.version, d.source, d.title, c.text, c.ordinal, c.page, c.heading_path,
            c.metadata, d.metadata AS doc_metadata, d.chunk_count${withTerms ? `,
            CASE WHEN c.id = ANY($3::bigint[]) AND c.term_order IS NOT NULL THEN array_to_string(c.terms, E'\\x1f') END AS stored_terms,
            CASE WHEN c.id = ANY($3::bigint[]) THEN c.term_order END AS term_order` : ''}
       FROM chunks c JOIN documents d ON d.id = c.document_id
      WHERE c.tenant = $1 AND c.id = ANY($2::bigint[])`,
    withTerms ? [tenant, ids, prefetch.ids] : [tenant, ids],
    { name: withTerms ? 'gw_load_chunks_terms' : 'gw_load_chunks' },
  );
  if (withTerms) for (const r of rows) if (r.stored_terms != null && r.term_order != null) prefetch.stored.set(Number(r.id), parseStoredTerms(r.id, r.stored_terms, r.term_order));
  // documents.chunk_count is written with the document's chunks (document-store.ts): read in the rows' snapshot.
  if (prefetch?.documentChunks) for (const r of rows) prefetch.documentChunks.set(Number(r.document_id), Number(r.chunk_count));
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
