import type { RankedDocument } from './types.js';

/** The parts of a retrieved chunk this needs (a `RetrievedChunk` fits). */
export interface ScoredChunk {
  externalId: string;
  score: number;
}

/**
 * Turns a chunk ranking into a document ranking for document-level qrels: a document's score is
 * the MAX over its chunks (MaxP, Dai & Callan 2019, the usual choice for passage-level retrievers
 * judged at document level). Documents are ordered by that score, descending; equal scores keep
 * the order in which the documents first appear in the chunk list. `k` cuts the document list.
 */
export function chunksToDocumentRanking(chunks: readonly ScoredChunk[], options: { k?: number } = {}): RankedDocument[] {
  const best = new Map<string, { score: number; firstPosition: number }>();
  chunks.forEach((chunk, position) => {
    const current = best.get(chunk.externalId);
    if (current === undefined) best.set(chunk.externalId, { score: chunk.score, firstPosition: position });
    else if (chunk.score > current.score) current.score = chunk.score;
  });
  const ranked = [...best.entries()]
    .sort(([, a], [, b]) => (b.score !== a.score ? b.score - a.score : a.firstPosition - b.firstPosition))
    .map(([docId, { score }]) => ({ docId, score }));
  return options.k === undefined ? ranked : ranked.slice(0, options.k);
}
