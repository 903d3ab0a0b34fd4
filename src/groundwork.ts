/**
 * The library facade: createGroundwork builds the components (src/app/components.ts) and binds
 * the use cases (src/app/) to them. It holds no flow of its own.
 */
import { buildComponents, type ChunkerOverrides, type CreateGroundworkOptions } from './app/components.js';
import { ask } from './app/ask.js';
import { askStream } from './app/ask-stream.js';
import { countDocuments, deleteDocument, knownExternalIds, listDocuments, readDocument } from './app/documents.js';
import { ingest, type IngestInput } from './app/ingest.js';
import { retrieve } from './app/retrieve.js';
import type { AskRequest, AskResult, DocumentPage, IngestOptions, RetrieveInput } from './app/types.js';
import type { Config } from './config/schema.js';
import type { Db } from './db/types.js';
import type { AnswerCache } from './cache/answer-cache.js';
import type { AnswerEvent } from './generate/answer-types.js';
import type { IngestSummary } from './ingest/pipeline.js';
import type { Chunker } from './ingest/types.js';
import type { ChatModel, Embedder, Reranker } from './models/types.js';
import type { RetrieveResult } from './retrieve/types.js';
import type { Retriever } from './retrieve/retriever.js';
import type { Router } from './router/create-router.js';
import type { Analyzer } from './search-index/analyzer.js';

export { PROMPT_TEMPLATE_VERSION, type GroundworkPlugins, type CreateGroundworkOptions } from './app/components.js';
export type { AskRequest, AskResult, AskTimings, IngestOptions, DocumentPage, DocumentSummary } from './app/types.js';

/** Everything groundwork holds for one configuration; build with createGroundwork, end with close(). */
export interface Groundwork {
  readonly config: Readonly<Config>;
  /** The store. Callers use the verbs below; it stays for plug-ins and maintenance scripts. */
  readonly db: Db;
  readonly analyzer: Analyzer;
  readonly embedder?: Embedder;
  readonly reranker?: Reranker;
  readonly chatModel: ChatModel;
  readonly retriever: Retriever;
  readonly router: Router;
  readonly cache: AnswerCache;
  readonly notices: string[];
  /** Ingests files and folders (or ready documents) into a tenant. */
  ingest(paths: IngestInput, options?: IngestOptions): Promise<IngestSummary>;
  retrieve(request: RetrieveInput): Promise<RetrieveResult>;
  ask(request: AskRequest): Promise<AskResult>;
  askStream(request: AskRequest): AsyncGenerator<AnswerEvent>;
  /** A page of a tenant's documents (keyset by id). */
  listDocuments(request: { tenant?: string; limit: number; after?: number }): Promise<DocumentPage>;
  countDocuments(tenant?: string): Promise<number>;
  /** Which of these external ids the tenant holds. */
  knownExternalIds(tenant: string, externalIds: string[]): Promise<Set<string>>;
  /** Deletes one of a tenant's documents and the cached answers citing it; NOT_FOUND when the tenant has no such id. */
  deleteDocument(tenant: string | undefined, id: number): Promise<{ deleted: number; tenant: string; indexVersion: number }>;
  /** A document's text as indexed; undefined when the tenant has no such id. */
  readDocument(tenant: string | undefined, id: number): Promise<{ title: string; source: string; externalId: string; text: string } | undefined>;
  /** Builds the chunker the configuration (or overrides) describes. */
  chunkerFor(options?: ChunkerOverrides): { chunker: Chunker; fingerprint: Record<string, unknown> };
  close(): Promise<void>;
}

/**
 * Builds groundwork from a configuration: opens the store (PGlite under dataDir, or PostgreSQL
 * at databaseUrl) and migrates it, and wires ingest, retrieval and answering.
 * @example
 * const gw = await createGroundwork({ config: { dataDir: './.groundwork' } });
 * await gw.ingest(['./docs']);
 * const { answer, citations } = await gw.ask({ question: 'What is the travel budget?' });
 * await gw.close();
 */
export async function createGroundwork(options: CreateGroundworkOptions = {}): Promise<Groundwork> {
  const c = await buildComponents(options);
  return {
    config: c.config,
    db: c.db,
    analyzer: c.analyzer,
    embedder: c.embedder,
    reranker: c.reranker,
    chatModel: c.chatModel,
    retriever: c.retriever,
    router: c.router,
    cache: c.cache,
    notices: c.notices,
    chunkerFor: (overrides) => c.chunkerFor(overrides),
    ingest: (paths, ingestOptions) => ingest(c, paths, ingestOptions),
    retrieve: (request) => retrieve(c, request),
    ask: (request) => ask(c, request),
    askStream: (request) => askStream(c, request),
    listDocuments: (request) => listDocuments(c, request),
    countDocuments: (tenant) => countDocuments(c, tenant),
    knownExternalIds: (tenant, ids) => knownExternalIds(c, tenant, ids),
    deleteDocument: (tenant, id) => deleteDocument(c, tenant, id),
    readDocument: (tenant, id) => readDocument(c, tenant, id),
    close: () => c.close(),
  };
}
