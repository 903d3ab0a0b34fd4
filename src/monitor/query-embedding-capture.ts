import { AsyncLocalStorage } from 'node:async_hooks';
import type { Embedder } from '../models/types.js';

/** A query's embedding as the embedder returned it, and which embedder (queryEmbedderIdentity). */
export interface QueryEmbedding {
  embedder: string;
  vector: Float32Array;
}

/** One request's slot: the first query embedding computed while it ran. */
interface CaptureSlot {
  embedding?: QueryEmbedding;
}

const slots = new AsyncLocalStorage<CaptureSlot>();

/**
 * An embedder's identity for drift: its id, revision and dimensions. Vectors of two identities are
 * not comparable (and are projected onto different directions), so drift compares one identity.
 */
export function queryEmbedderIdentity(embedder: Pick<Embedder, 'id' | 'revision' | 'dimensions'>): string {
  return `${embedder.id}@${embedder.revision}/${embedder.dimensions}`;
}

/**
 * The embedder with its query embeddings observed: inside `withQueryEmbeddingCapture` the first
 * `embedQuery` result of the request (the semantic cache's lookup or the dense leg's query, both of
 * the question) is kept for telemetry, by reference: no copy, no work on the request path beyond
 * one AsyncLocalStorage read. Outside a capture it is the embedder unchanged. Every other member
 * (identity, limits, live counters such as truncatedCount) is the wrapped embedder's own.
 * @example const embedder = observeQueryEmbeddings(createLocalEmbedder(options));
 */
export function observeQueryEmbeddings<E extends Embedder>(embedder: E): E {
  const identity = queryEmbedderIdentity(embedder);
  const embedQuery: Embedder['embedQuery'] = async (text, options) => {
    const vector = await embedder.embedQuery(text, options);
    const slot = slots.getStore();
    if (slot && !slot.embedding) slot.embedding = { embedder: identity, vector };
    return vector;
  };
  return new Proxy(embedder, {
    get: (target, property) => (property === 'embedQuery' ? embedQuery : Reflect.get(target, property, target)),
  });
}

/**
 * Runs `fn` (a request's handler) with a capture slot; `captured()` then reads the query embedding
 * the request computed, if any (none in sparse mode, on an exact cache hit, or without an embedder).
 */
export async function withQueryEmbeddingCapture<T>(fn: () => Promise<T>): Promise<{ result: T; captured: () => QueryEmbedding | undefined }> {
  const slot: CaptureSlot = {};
  const result = await slots.run(slot, fn);
  return { result, captured: () => slot.embedding };
}
