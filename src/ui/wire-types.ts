/**
 * The API's JSON shapes as the console reads them (the server's own types live with its routes
 * and in src/server/response-schemas.ts; these are the fields the console uses).
 */

/** Which chunk of which document a source or citation points at. */
export interface ChunkReference {
  documentId: number;
  chunkId: number;
  externalId: string;
  source: string;
  title: string;
  page?: number;
}

/** A checked citation of an answer. */
export interface Citation extends ChunkReference {
  marker: string;
  contextIndex: number;
  answerSpan: string;
  quote: string;
}

export interface AnswerSource extends ChunkReference {
  contextIndex: number;
  score: number;
  label: string;
  truncated: boolean;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
}

/** `GET /v1/documents`. */
export interface DocumentSummary {
  id: number;
  externalId: string;
  source: string;
  title: string;
  version: number;
  chunkCount: number;
  tokenCount: number;
  updatedAt: string;
}
export interface DocumentList {
  tenant: string;
  documents: DocumentSummary[];
  nextAfter: number | null;
}

/** `GET /v1/documents/:id`. */
export interface DocumentChunk {
  id: number;
  ordinal: number;
  text: string;
  headingPath: string[];
  page: number | null;
}
export interface DocumentRead {
  tenant: string;
  document: DocumentSummary;
  from: number;
  chunks: DocumentChunk[];
}

export interface IngestSummary {
  documents: { added: number; updated: number; unchanged: number; deleted: number; skipped: number };
  chunks: number;
  skipped: Array<{ path: string; reason: string }>;
  notices: string[];
  durationMs: number;
}
/** `POST /v1/documents`: done inline, or queued as a job. */
export type UploadResult =
  | { status: 'done'; tenant: string; summary: IngestSummary }
  | { status: 'queued'; jobId: string; tenant: string; files: number; totalBytes: number; statusUrl: string };

/** `GET /v1/jobs/:id`. */
export interface IngestJob {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  fileCount: number;
  totalBytes: number;
  attempts: number;
  result: IngestSummary | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** `POST /v1/feedback`. */
export interface FeedbackResult {
  id: number;
  requestId: string;
  rating: 'up' | 'down';
  correctAnswer?: string;
}

export interface MeanWithCI {
  mean: number;
  lower: number;
  upper: number;
  n: number;
}
/** `GET /v1/experiments`. */
export interface ExperimentSummary {
  id: string;
  tenant: string;
  createdAt: string;
  hypothesis?: string;
  dataset: { kind: string; path: string; split?: string; hash: string };
  config: Record<string, unknown>;
  metrics: Record<string, MeanWithCI>;
  verdict: string;
  baselineId?: string;
  queryCount: number;
}
export interface PairedTestResult {
  n: number;
  meanA: number;
  meanB: number;
  meanDifference: number;
  lower: number;
  upper: number;
  pValue: number;
  confidence: number;
}
/** `GET /v1/experiments/:a/compare/:b`. */
export interface ExperimentComparison {
  a: string;
  b: string;
  queries: number;
  onlyInA: number;
  onlyInB: number;
  metrics: Record<string, PairedTestResult>;
}
