/** Shapes of the retrieve stage: requests, filters and ranked results. */
import type { RETRIEVAL_MODES } from './retrieval-modes.js';

/** A built-in mode: a built-in leg alone, or hybrid (see retrieval-modes.ts). */
export type RetrievalMode = (typeof RETRIEVAL_MODES)[number];

/** A mode a retriever accepts: a built-in one, or the name of a leg registered beside them. */
export type LegMode = RetrievalMode | (string & {});

/** A typed filter; compiled to parameterized SQL and applied to both legs. */
export type Filter =
  | { field: string; op: 'eq'; value: string | number | boolean }
  | { field: string; op: 'in'; values: Array<string | number> }
  | { field: string; op: 'range'; gte?: number | string; lte?: number | string; gt?: number | string; lt?: number | string }
  | { field: 'source'; op: 'prefix'; value: string }
  | { field: 'tags'; op: 'any' | 'all'; values: string[] }
  | { field: 'heading'; op: 'contains'; value: string };

export interface RetrieveRequest {
  query: string;
  tenant: string;
  mode?: LegMode;
  /** Results returned (chunks). */
  k?: number;
  filters?: Filter[];
  /** Aborts the retrieval: the legs stop at their next round trip and retrieve rejects with the reason. */
  signal?: AbortSignal;
}

/**
 * The document text right around a chunk, from its neighbouring chunks: `before` ends where the
 * chunk starts, `after` begins where it ends; empty at the document's start or end; undefined when
 * not known (a neighbour's text is not the document's text between its offsets).
 */
export interface ChunkEdges {
  before?: string;
  after?: string;
}

/** One ranked chunk with the scores that produced its rank. */
export interface RetrievedChunk {
  chunkId: number;
  documentId: number;
  externalId: string;
  documentVersion: number;
  source: string;
  title: string;
  text: string;
  ordinal: number;
  page?: number;
  headingPath: string[];
  metadata: Record<string, unknown>;
  /** The document text just around the chunk, when loaded (`loadChunkEdges`): completes sentences the chunk boundary cuts. */
  edges?: ChunkEdges;
  /** Final score used for the ranking (fused or reranked). */
  score: number;
  /**
   * Per leg, its raw score and 1-based rank under the leg's name (`sparse`, `sparseRank`, `dense`,
   * `denseRank`, and so for any registered leg); `fused` in hybrid mode; `rerank` when reranked.
   */
  scores: { sparse?: number; sparseRank?: number; dense?: number; denseRank?: number; fused?: number; rerank?: number; [legScore: string]: number | undefined };
}

/** Milliseconds of one retrieval. */
export interface RetrieveTimings {
  totalMs: number;
  /** Per leg that ran, by leg name: from its start to its hits (the legs run in parallel). */
  legsMs: Record<string, number>;
  /** The cross-encoder rerank (0 without a reranker). */
  rerankMs: number;
  /** Query embedding, inside the embedding legs' own time (absent when no leg embedded). */
  embedMs?: number;
  /** @deprecated The sparse leg's time: read `legsMs.sparse`. Kept for one minor version. */
  sparseMs?: number;
  /** @deprecated The dense leg's time (now with its query embedding): read `legsMs.dense`. Kept for one minor version. */
  denseMs?: number;
}

/**
 * One retrieval's ranked chunks. `Mode` is the modes the retriever knows: the built-in ones for the
 * default legs, any registered leg's name (LegMode) for a retriever given its own registry.
 */
export interface RetrieveResult<Mode extends string = RetrievalMode> {
  query: string;
  mode: Mode;
  /** The mode asked for, when it had to degrade (hybrid without an embedder -> sparse). */
  requestedMode?: Mode;
  notices: string[];
  /** In [0, 1], comparable across queries; used for refusals and routing. */
  confidence: number;
  chunks: RetrievedChunk[];
  timings: RetrieveTimings;
  /** The tenant's index version the sparse leg read its postings at, when it scored from the posting cache (the index state these results are of). */
  indexVersion?: string;
}
