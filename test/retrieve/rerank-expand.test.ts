import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteDb } from '../../src/db/pglite-driver.js';
import { migrate } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/types.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import type { Reranker } from '../../src/models/types.js';
import { createEnglishAnalyzer } from '../../src/search-index/analyzer.js';
import { retrieveOptionsSchema } from '../../src/retrieve/retrieve-options.js';
import { createRetriever } from '../../src/retrieve/retriever.js';
import { doc, wholeDocumentChunker } from '../helpers/whole-document-chunker.js';

const analyzer = createEnglishAnalyzer();

describe('reranking and context expansion', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPgliteDb({ dataDir: 'memory://' });
    await migrate(db);
    const docs = Array.from({ length: 60 }, (_, i) => doc(`d${i}`, `apple report number ${i}`));
    docs.push(doc('long', 'Intro paragraph about pears.\n\nThe apple harvest was large this year.\n\nClosing paragraph about plums.'));
    await runIngest(docs.map((document) => ({ document })), { db, tenant: 'r', chunker: wholeDocumentChunker('paragraph'), analyzer, configFingerprint: {}, titleWeight: 0 });
  });
  afterAll(async () => db.close());

  it('reranks max(candidates, k) candidates and keeps per-leg and rerank scores', async () => {
    const seen: string[][] = [];
    // Prefers higher document numbers: the reranker decides the final order.
    const reranker: Reranker = {
      id: 'test:by-number',
      maxBatchSize: 1000,
      async rerank(_query, passages) {
        seen.push(passages);
        return passages.map((p) => Number(/number (\d+)/.exec(p)?.[1] ?? -1));
      },
    };
    const retriever = createRetriever({ db, analyzer, reranker, options: retrieveOptionsSchema.parse({ mode: 'sparse', candidates: 50 }) });
    const result = await retriever.retrieve({ query: 'apple report', tenant: 'r', k: 3 });
    expect(seen[0]).toHaveLength(50);
    // All 60 tie on BM25 (ties break by chunk id): the 50 candidates are d0..d49, and the
    // reranker orders within them.
    expect(result.chunks.map((c) => c.externalId)).toEqual(['d49', 'd48', 'd47']);
    expect(result.chunks[0].scores.rerank).toBe(49);
    expect(result.chunks[0].scores.sparse).toBeGreaterThan(0);
    expect(result.chunks[0].scores.sparseRank).toBeGreaterThan(0);
  });

  it('expands a hit with its neighbour chunks', async () => {
    const retriever = createRetriever({ db, analyzer, options: retrieveOptionsSchema.parse({ mode: 'sparse', expandNeighbours: 1 }) });
    const result = await retriever.retrieve({ query: 'harvest', tenant: 'r', k: 1 });
    expect(result.chunks[0].externalId).toBe('long');
    expect(result.chunks[0].text).toBe('Intro paragraph about pears.\n\nThe apple harvest was large this year.\n\nClosing paragraph about plums.');
    expect(result.chunks[0].metadata.expandedFrom).toEqual([0, 1, 2]);
  });
});
