/** The shapes the use cases take and give: requests, results and their stage timings. */
import type { CacheInfo } from '../cache/answer-cache.js';
import type { AnswerResult } from '../generate/answer-types.js';
import type { ChatMessage } from '../models/types.js';
import type { Filter, RetrievalMode, RetrieveRequest, RetrieveResult } from '../retrieve/types.js';
import type { RouteDecision } from '../router/create-router.js';
import type { ChunkerName } from '../ingest/chunkers/index.js';
import type { runIngest } from '../ingest/pipeline.js';

export interface IngestOptions {
  tenant?: string;
  chunker?: ChunkerName;
  chunkSize?: number;
  chunkOverlap?: number;
  include?: string[];
  exclude?: string[];
  prune?: boolean;
  reembed?: boolean;
  dryRun?: boolean;
  onProgress?: Parameters<typeof runIngest>[1]['onProgress'];
}

export interface AskRequest {
  question: string;
  tenant?: string;
  mode?: RetrievalMode;
  topK?: number;
  filters?: Filter[];
  history?: ChatMessage[];
  /** Overrides generate.refusalThreshold for this request (evaluation uses 0); not cached. */
  refusalThreshold?: number;
  signal?: AbortSignal;
  /**
   * The request's id (the HTTP layer passes its `x-request-id`): it names the cost-ledger rows,
   * the cache entry written, the telemetry and the result. Made here when absent.
   */
  requestId?: string;
}

/**
 * Milliseconds per stage of one answer. On a cache hit only `cacheMs` and `totalMs` are non-zero.
 * `legsMs` holds the retriever's own per-leg figures (e.g. sparseMs, embedMs, denseMs).
 */
export interface AskTimings {
  totalMs: number;
  cacheMs: number;
  retrieveMs: number;
  legsMs: Record<string, number>;
  rerankMs: number;
  decisionMs: number;
  generationMs: number;
}

export interface AskResult extends AnswerResult {
  retrieval: Pick<RetrieveResult, 'mode' | 'requestedMode' | 'confidence' | 'notices'>;
  cache: CacheInfo;
  latencyMs: number;
  requestId: string;
  costUsd: number;
  route: RouteDecision;
  timings: AskTimings;
}

/** A retrieve request whose tenant defaults to the configured one. */
export type RetrieveInput = Omit<RetrieveRequest, 'tenant'> & { tenant?: string };

/** One stored document, as listed. */
export interface DocumentSummary {
  id: number;
  externalId: string;
  source: string;
  title: string;
  version: number;
  chunkCount: number;
  tokenCount: number;
  metadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/** A page of `listDocuments`: keyset-paginated by id. */
export interface DocumentPage {
  tenant: string;
  documents: DocumentSummary[];
  /** Pass as `after` for the next page; null on the last. */
  nextAfter: number | null;
}
