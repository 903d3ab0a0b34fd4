export type { ChunkEdges, Filter, LegMode, RetrievalMode, RetrieveRequest, RetrieveResult, RetrieveTimings, RetrievedChunk } from './types.js';
export { loadChunkEdges, CHUNK_EDGE_CHARS } from './load-chunk-edges.js';
export { retrieveOptionsSchema, BM25_DEFAULT_K1, BM25_DEFAULT_B, RRF_DEFAULT_K, HNSW_DEFAULT_EF_SEARCH, MAX_QUERY_TERMS, type RetrieveOptions } from './retrieve-options.js';
export { createRetriever, loadChunks, MAX_QUERY_CHARS, type Retriever, type RetrieverDeps } from './retriever.js';
export { sparseSearch, type SparseQuery, type SparseResult, type SparsePlan } from './sparse-leg.js';
export { createPostingCache, type PostingCache, type PostingCacheOptions, type PostingCacheStats } from './posting-cache.js';
export { createDenseLeg, denseSearch, type DenseQuery } from './dense-leg.js';
export { fuseLegs, reciprocalRankFusion, weightedFusion, type FusionOptions, type LegResult, type FusedResult, type WeightedLeg } from './fusion.js';
export type { IndexStatistics, LegCapabilities, LegContext, LegHit, LegRequest, LegSearchResult, RetrievalLeg } from './retrieval-leg.js';
export { createLegRegistry, defaultLegRegistry, type BuiltInLegDeps, type LegRegistration, type LegRegistry, type LegWeight } from './leg-registry.js';
export { BUILT_IN_LEG_NAMES, HYBRID_MODE, RETRIEVAL_MODES, retrievalModeSchema, type BuiltInLegName } from './retrieval-modes.js';
export { createSqlBm25Leg, NO_TERMS_NOTICE } from './sql-bm25-leg.js';
export { createPostingCacheBm25Leg } from './posting-cache-bm25-leg.js';
export { filterSchema, filtersSchema, parseFilters, compileFilters, parseFilterExpression } from './filters.js';
/** Moved to groundwork/search-index; still exported here so existing imports keep working. */
export * from '../search-index/analyzer.js';
export * from '../search-index/embedder-binding.js';
