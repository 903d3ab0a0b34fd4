/**
 * The Embedder port's contract: the same behavioural tests over every implementation (local on
 * the generated test model, the hashed test embedder, OpenAI and Cohere against fake servers).
 * `subject()` is read when a test runs, so it may use models and servers made in beforeAll.
 */
import { expect, it } from 'vitest';
import type { Embedder } from '../../../src/models/types.js';

export interface EmbedderSubject {
  embedder: Embedder;
  /** Requests the provider received so far, where there is a server. */
  requests?(): number;
  /** Largest difference allowed between a text embedded in a batch and alone (padding in a forward pass). */
  tolerance?: number;
}

const TEXTS = ['the river runs north through the city', 'price of energy', 'team report on cost data and search ranking', 'water in the city'];
const norm = (vector: Float32Array) => Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
const maxDifference = (a: Float32Array, b: Float32Array) => a.reduce((worst, x, i) => Math.max(worst, Math.abs(x - b[i]!)), 0);
/** At least three batches of the embedder's size (every embedder batches longer lists itself). */
const manyTexts = (embedder: Embedder) => Array.from({ length: embedder.maxBatchSize * 3 }, (_, i) => `${TEXTS[i % TEXTS.length]} ${i}`);

/** Registers the Embedder contract's tests for one implementation. */
export function embedderContract(subject: () => EmbedderSubject): void {
  it('describes itself: id, revision, dimensions and limits', () => {
    const { embedder } = subject();
    expect(embedder.id).toMatch(/^[^:\s]+:\S+$/);
    expect(typeof embedder.revision).toBe('string');
    expect(embedder.revision.length).toBeGreaterThan(0);
    for (const value of [embedder.dimensions, embedder.maxInputTokens, embedder.maxBatchSize]) expect(Number.isInteger(value) && value > 0).toBe(true);
  });

  it('embeds documents into unit vectors of its dimensions, in input order, the same batched as alone', async () => {
    const { embedder, tolerance = 1e-6 } = subject();
    const vectors = await embedder.embedDocuments(TEXTS);
    expect(vectors).toHaveLength(TEXTS.length);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector.length).toBe(embedder.dimensions);
      expect(norm(vector)).toBeCloseTo(1, 4);
    }
    for (const [index, text] of TEXTS.entries()) {
      const [alone] = await embedder.embedDocuments([text]);
      expect(maxDifference(alone!, vectors[index]!)).toBeLessThan(tolerance);
    }
    expect(maxDifference(vectors[0]!, vectors[1]!)).toBeGreaterThan(1e-3);
    expect(await embedder.embedDocuments([])).toEqual([]);
  });

  it('embeds a query into a unit vector, deterministically', async () => {
    const { embedder } = subject();
    const query = await embedder.embedQuery('water in the city');
    expect(query.length).toBe(embedder.dimensions);
    expect(norm(query)).toBeCloseTo(1, 4);
    expect(Array.from(await embedder.embedQuery('water in the city'))).toEqual(Array.from(query));
  });

  it('takes more texts than one batch', async () => {
    const { embedder } = subject();
    const texts = manyTexts(embedder);
    const vectors = await embedder.embedDocuments(texts);
    expect(vectors).toHaveLength(texts.length);
    expect(vectors.every((vector) => vector.length === embedder.dimensions)).toBe(true);
  });

  it('refuses a call whose signal is already aborted, before any work', async () => {
    const { embedder, requests } = subject();
    const before = requests?.();
    const signal = AbortSignal.abort();
    await expect(embedder.embedDocuments(TEXTS, { signal })).rejects.toThrow();
    await expect(embedder.embedQuery('water', { signal })).rejects.toThrow();
    if (requests) expect(requests()).toBe(before);
  });

  it('stops a call aborted while it runs, before its remaining batches', async () => {
    const { embedder, requests } = subject();
    const texts = manyTexts(embedder);
    const before = requests?.();
    const controller = new AbortController();
    const running = embedder.embedDocuments(texts, { signal: controller.signal });
    // The first of three batches is under way.
    controller.abort(new Error('stopped by the test'));
    const outcome = await running.then(
      () => 'resolved',
      () => 'rejected',
    );
    expect(outcome).toBe('rejected');
    if (requests) expect(requests() - before!).toBeLessThan(3);
  });
}
