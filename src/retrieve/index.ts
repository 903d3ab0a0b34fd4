export type { ChunkEdges, Filter, RetrievalMode, RetrieveRequest, RetrieveResult, RetrievedChunk } from './types.js';
export { loadChunkEdges, CHUNK_EDGE_CHARS } from './load-chunk-edges.js';
export { retrieveOptionsSchema, BM25_DEFAULT_K1, BM25_DEFAULT_B, RRF_DEFAULT_K, HNSW_DEFAULT_EF_SEARCH, MAX_QUERY_TERMS, type RetrieveOptions } from './retrieve-options.js';
export { createRetriever, loadChunks, MAX_QUERY_CHARS, type Retriever, type RetrieverDeps } from './retriever.js';
export { sparseSearch, type SparseQuery, type SparseResult, type SparsePlan } from './sparse-leg.js';
export { createPostingCache, type PostingCache, type PostingCacheOptions, type PostingCacheStats } from './posting-cache.js';
export { denseSearch, type DenseQuery } from './dense-leg.js';
export { reciprocalRankFusion, weightedFusion, type LegResult, type FusedResult } from './fusion.js';
export { filterSchema, filtersSchema, parseFilters, compileFilters, parseFilterExpression } from './filters.js';
/** Moved to groundwork/search-index; still exported here so existing imports keep working. */
export * from '../search-index/analyzer.js';
export * from '../search-index/embedder-binding.js';
