import { z } from 'zod';
import { HYBRID_MODE, retrievalModeSchema } from './retrieval-modes.js';
import { rankerOptionsSchema, rm3OptionsSchema } from './ranker/ranker-options.js';

/**
 * BM25 defaults: Lucene's k1 = 1.2, b = 0.75. bench/bm25-cv.ts compared them with the
 * Anserini/Pyserini BEIR baseline values (k1 = 0.9, b = 0.4, castorini/pyserini resources/beir.yaml)
 * by 2-fold cross-validation on the SciFact train split: Lucene's won on both folds (held-out
 * nDCG@10 0.6818 vs 0.6766 and 0.7148 vs 0.7082). A wider grid preferred (1.5, 0.9) on both folds,
 * at the grid's edge and tuned to one corpus of scientific abstracts, so the general default stays
 * Lucene's; set retrieve.k1/b per corpus after measuring with `groundwork eval run`.
 */
export const BM25_DEFAULT_K1 = 1.2;
export const BM25_DEFAULT_B = 0.75;
/** RRF k = 60 from Cormack, Clarke and Buettcher (SIGIR 2009). */
export const RRF_DEFAULT_K = 60;
/** pgvector's own default hnsw.ef_search. */
export const HNSW_DEFAULT_EF_SEARCH = 40;
/** 4M postings: 64 MB, a 40k-chunk collection's postings whole (SciFact abstracts: ~100 each). */
export const DEFAULT_POSTING_CACHE_POSTINGS = 4_000_000;
/** Fetching more than this for one query costs more than the SQL evaluation's pruning saves. */
export const DEFAULT_POSTING_CACHE_QUERY_POSTINGS = 250_000;
/** Longest query we analyze, in analyzer terms; the rest is cut (documented in the README). */
export const MAX_QUERY_TERMS = 256;

export const retrieveOptionsSchema = z
  .object({
    /** A registered leg's name (that leg alone) or hybrid (every leg, fused); see retrieval-modes.ts. */
    mode: retrievalModeSchema.default(HYBRID_MODE),
    k1: z.number().positive().max(10).default(BM25_DEFAULT_K1),
    b: z.number().min(0).max(1).default(BM25_DEFAULT_B),
    /** How many times title terms count in each chunk of a document (0 = title not indexed). */
    titleWeight: z.number().int().min(0).max(5).default(1),
    fusion: z.enum(['rrf', 'weighted']).default('rrf'),
    rrfK: z.number().int().positive().default(RRF_DEFAULT_K),
    /**
     * Weight of the dense leg in weighted fusion; the sparse leg gets 1 - denseWeight (the default
     * registry maps it onto the two legs' weights; RRF weighs every built-in leg 1).
     */
    denseWeight: z.number().min(0).max(1).default(0.5),
    /** Results returned by the retriever before reranking cuts to topN. */
    topK: z.number().int().positive().max(1000).default(10),
    /** Results kept after reranking (what the answer stage sees). */
    topN: z.number().int().positive().max(100).default(3),
    /** Candidates per leg before fusion and reranking, when a reranker is configured: max(candidates, k). */
    candidates: z.number().int().positive().max(2000).default(50),
    /**
     * Results per leg that hybrid fusion ranks when no reranker is configured: max(fusionWindow, k).
     * A deeper window lets an item ranked low by one leg but high by the other rise; it costs
     * sparse-leg time (at 100k chunks, p95 46 ms at 10 per leg vs ~80 ms at 50, bench/retrieval-latency.ts).
     */
    fusionWindow: z.number().int().positive().max(2000).default(10),
    efSearch: z.number().int().positive().max(1000).default(HNSW_DEFAULT_EF_SEARCH),
    /**
     * BM25 postings held in this process (16 bytes each; least recently used evicted), checked
     * against the tenant's index version on every query: unfiltered sparse queries score here
     * instead of in SQL. maxPostings 0 turns it off; a query needing more than maxQueryPostings
     * not yet held is scored in SQL (with top-k pruning).
     */
    postingCache: z
      .object({
        maxPostings: z.number().int().min(0).max(1e9).default(DEFAULT_POSTING_CACHE_POSTINGS),
        maxQueryPostings: z.number().int().min(0).max(1e9).default(DEFAULT_POSTING_CACHE_QUERY_POSTINGS),
      })
      .strict()
      .prefault({}),
    /** Neighbour chunks added on each side of a hit (0 = none). */
    expandNeighbours: z.number().int().min(0).max(5).default(0),
    /** The learned ranker over the top candidates after fusion, before any rerank (off unless set; ranker/ranker-options.ts). */
    ranker: rankerOptionsSchema.optional(),
    /** RM3 pseudo-relevance feedback on the BM25 leg (off by default; ranker/ranker-options.ts). */
    rm3: rm3OptionsSchema.prefault({}),
  })
  .strict();

export type RetrieveOptions = z.infer<typeof retrieveOptionsSchema>;
