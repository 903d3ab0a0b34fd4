/**
 * The Reranker port's contract: the same behavioural tests over every implementation (local on
 * the generated cross-encoder, Cohere against a fake server, none). `subject()` is read when a
 * test runs, so it may use models and servers made in beforeAll.
 */
import { expect, it } from 'vitest';
import type { Reranker } from '../../../src/models/types.js';

export interface RerankerSubject {
  reranker: Reranker;
  /** Largest difference allowed between a passage scored in a batch and alone. */
  tolerance?: number;
  /** Scores depend on the passage, not on its position (every reranker but `none`). */
  scoresPassages: boolean;
}

const QUERY = 'water in the city';
const PASSAGES = ['the river runs north through the city', 'price of energy', 'team report on cost data and search ranking', 'a'];

/** Registers the Reranker contract's tests for one implementation. */
export function rerankerContract(subject: () => RerankerSubject): void {
  it('describes itself: an id and a batch size', () => {
    const { reranker } = subject();
    expect(reranker.id.length).toBeGreaterThan(0);
    expect(Number.isInteger(reranker.maxBatchSize) && reranker.maxBatchSize > 0).toBe(true);
  });

  it('gives one finite score per passage, in input order; none for no passages', async () => {
    const { reranker } = subject();
    const scores = await reranker.rerank(QUERY, PASSAGES);
    expect(scores).toHaveLength(PASSAGES.length);
    expect(scores.every((score) => typeof score === 'number' && Number.isFinite(score))).toBe(true);
    expect(await reranker.rerank(QUERY, [])).toEqual([]);
  });

  it('is deterministic', async () => {
    const { reranker } = subject();
    expect(await reranker.rerank(QUERY, PASSAGES)).toEqual(await reranker.rerank(QUERY, PASSAGES));
  });

  it('scores a passage the same wherever it stands in the list, and by the query', async () => {
    const { reranker, scoresPassages, tolerance = 1e-6 } = subject();
    const scores = await reranker.rerank(QUERY, PASSAGES);
    const reversed = await reranker.rerank(QUERY, [...PASSAGES].reverse());
    if (!scoresPassages) {
      // `none` keeps the retriever's order: scores fall with the position, whatever the passage.
      expect(reversed).toEqual(scores);
      expect(scores.every((score, index) => index === 0 || score < scores[index - 1]!)).toBe(true);
      return;
    }
    for (const [index, score] of scores.entries()) expect(Math.abs(reversed[PASSAGES.length - 1 - index]! - score)).toBeLessThan(tolerance);
    expect(await reranker.rerank('price report', PASSAGES)).not.toEqual(scores);
  });
}
