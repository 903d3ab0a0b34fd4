import type { RetrievedChunk } from '../retrieve/types.js';

/** Which chunk of which document a source or citation points at. */
export interface ChunkReference {
  documentId: number;
  chunkId: number;
  externalId: string;
  source: string;
  title: string;
  page?: number;
}

/** The reference fields of a retrieved chunk. */
export function chunkReference(chunk: Pick<RetrievedChunk, keyof ChunkReference>): ChunkReference {
  return { documentId: chunk.documentId, chunkId: chunk.chunkId, externalId: chunk.externalId, source: chunk.source, title: chunk.title, page: chunk.page };
}

/** A citation in an answer, checked against the context the model was given. */
export interface Citation extends ChunkReference {
  /** The marker as it reads in the answer, e.g. `[Source: Handbook, page 3]`. */
  marker: string;
  /** 1-based index of the cited document in the prompt's context. */
  contextIndex: number;
  /** The sentence of the answer this citation supports (markers removed). */
  answerSpan: string;
  /** The sentence of the cited chunk that best matches answerSpan. */
  quote: string;
}

/** A citation marker that named nothing in the context, removed from the answer and counted. */
export interface DroppedCitation {
  marker: string;
  reason: 'unknown-source' | 'page-not-in-context';
}

/** The answer with its citations checked. */
export interface ResolvedCitations {
  /** The answer with dropped markers removed. */
  answer: string;
  citations: Citation[];
  dropped: DroppedCitation[];
}
