/** Shapes of the retrieve stage: requests, filters and ranked results. */

export type RetrievalMode = 'sparse' | 'dense' | 'hybrid';

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
  mode?: RetrievalMode;
  /** Results returned (chunks). */
  k?: number;
  filters?: Filter[];
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
  scores: { sparse?: number; sparseRank?: number; dense?: number; denseRank?: number; fused?: number; rerank?: number };
}

export interface RetrieveResult {
  query: string;
  mode: RetrievalMode;
  /** The mode asked for, when it had to degrade (hybrid without an embedder -> sparse). */
  requestedMode?: RetrievalMode;
  notices: string[];
  /** In [0, 1], comparable across queries; used for refusals and routing. */
  confidence: number;
  chunks: RetrievedChunk[];
  timings: Record<string, number>;
}
