export type { Chunk, ChunkDraft, Chunker, Document, DocumentSection, LoadedDocument, Loader, TokenCounter } from './types.js';
export * from './chunkers/index.js';
export * from './loaders/index.js';
export { ingestOptionsSchema, DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE, type IngestOptions } from './ingest-options.js';
export {
  runIngest,
  backfillEmbeddings,
  contentHash,
  DEFAULT_BATCH_BYTES,
  VACUUM_AFTER_CHUNKS,
  type IngestPipelineOptions,
  type IngestProgress,
  type IngestSummary,
  type PrepareMode,
  type SourceItem,
} from './pipeline.js';
export { loadSources, type LoadSourcesOptions } from './load-sources.js';
export { walkFiles, DEFAULT_EXCLUDE, DEFAULT_INCLUDE, IGNORE_FILE_NAMES, type WalkEntry, type WalkOptions } from './walk-files.js';
export { limitHeapGrowth, DEFAULT_HEAP_GROWTH_PERCENT } from './heap-growth.js';
