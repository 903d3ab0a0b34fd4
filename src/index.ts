/**
 * groundwork's root export: the library entry and the types a plug-in needs. Stage internals are
 * under subpath exports (`groundwork/retrieve`, `groundwork/eval`, ...).
 */
export { createGroundwork, type Groundwork, type GroundworkPlugins, type CreateGroundworkOptions, type IngestOptions, type AskRequest, type AskResult } from './groundwork.js';
export { loadConfig, parseConfig, configSchema, type Config, type ConfigInput } from './config/index.js';
export { GroundworkError, InputError, ConfigError, ProviderError, type ErrorCode } from './errors.js';
export type { Db, Queryable, QueryResult } from './db/types.js';
export type { Embedder, Reranker, ChatModel, ChatMessage, Usage, GenerateRequest, GenerateResult, StreamEvent } from './models/types.js';
export type { Loader, Chunker, TokenCounter, LoadedDocument, ChunkDraft, Chunk, Document, DocumentSection } from './ingest/types.js';
export type { Filter, RetrievalMode, RetrieveRequest, RetrieveResult, RetrievedChunk } from './retrieve/types.js';
export type { IngestSummary, SourceItem } from './ingest/pipeline.js';
export { limitHeapGrowth, DEFAULT_HEAP_GROWTH_PERCENT } from './ingest/heap-growth.js';
