import type { Db } from '../db/types.js';
import type { Embedder } from '../models/types.js';
import type { Analyzer } from '../search-index/analyzer.js';
import type { RetrieveOptions } from './retrieve-options.js';
import type { Filter } from './types.js';

/** One chunk a leg found, with the leg's own raw score (BM25, cosine, ...). Best first in a list. */
export interface LegHit {
  chunkId: number;
  score: number;
}

/** What a leg can do; the retriever reads these instead of knowing legs by name. */
export interface LegCapabilities {
  /** The leg embeds the query: without an embedder it cannot run (hybrid leaves it out, saying so). */
  needsEmbedder: boolean;
  /** The leg applies `filters`; a leg without it refuses filtered requests (never ignores them). */
  filters: boolean;
}

/** One search, the same for every leg. */
export interface LegRequest {
  tenant: string;
  /** The query text as asked. */
  query: string;
  /** The query's analyzed terms (at most MAX_QUERY_TERMS) with their frequency in the query. */
  terms: ReadonlyMap<string, number>;
  /** Hits wanted, at most. */
  limit: number;
  /** Parsed filters over documents and chunks (empty: none). */
  filters: readonly Filter[];
}

/** What the retriever hands every leg: the components it was built with, and the request's signal. */
export interface LegContext {
  db: Db;
  /** The analyzer the query terms came from (a leg analyzing other text uses the same one). */
  analyzer: Analyzer;
  options: RetrieveOptions;
  embedder?: Embedder;
  /** Aborts the search (client gone, deadline); a leg checks it before each round trip. */
  signal?: AbortSignal;
}

/** A leg's answer: its hits, how sure it is, and anything the caller should be told. */
export interface LegSearchResult {
  /** Best first; at most `limit`. */
  hits: LegHit[];
  /** In [0, 1], comparable across queries (the retriever averages the legs it ran). */
  confidence: number;
  /** Plain sentences for the caller (e.g. "tenant t has no dense index yet"). */
  notices?: string[];
  /** Milliseconds of the leg's time spent embedding the query (part of its time, reported apart). */
  embedMs?: number;
  /**
   * The tenant's index version (tenants.index_version and the row's xmin) the hits were read at,
   * when the leg read it (the posting-cache BM25 leg does, in the statement that read its postings).
   * The learned ranker's statistics cache trusts values cached at that version without reading the
   * version again.
   */
  indexVersion?: string;
  /** The collection statistics read with it (same statement, same snapshot), when the leg read them. */
  indexStatistics?: IndexStatistics;
}

/**
 * Collection statistics a leg read at one index version (the posting-cache BM25 leg does, for its
 * query terms): the learned ranker uses them instead of reading them again.
 */
export interface IndexStatistics {
  /** The tenant's index version (index_version:xmin) they were read at. */
  version: string;
  /** Chunks in the collection (N) and their summed indexed length. */
  n: number;
  total: number;
  /** Document frequency of each term the leg looked up (0: absent from the collection). */
  df: ReadonlyMap<string, number>;
}

/**
 * The retrieval-leg port: one way of finding candidate chunks for a query. The retriever runs the
 * registered legs in parallel and fuses their hit lists (fusion.ts); a new leg is one module
 * implementing this plus one registration (leg-registry.ts).
 *
 * @example
 * const titleLeg: RetrievalLeg = {
 *   name: 'title',
 *   capabilities: { needsEmbedder: false, filters: false },
 *   async search(request, { db, signal }) { ... return { hits, confidence }; },
 * };
 * const retriever = createRetriever({ db, analyzer, options, legs: defaultLegRegistry().with(titleLeg) });
 */
export interface RetrievalLeg {
  /** Lowercase letters and digits; also the retrieval mode that runs this leg alone. */
  readonly name: string;
  readonly capabilities: LegCapabilities;
  search(request: LegRequest, context: LegContext): Promise<LegSearchResult>;
}
