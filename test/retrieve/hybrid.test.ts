import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/types.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { createEnglishAnalyzer } from '../../src/search-index/analyzer.js';
import { compileFilters, parseFilterExpression, parseFilters } from '../../src/retrieve/filters.js';
import { reciprocalRankFusion, weightedFusion } from '../../src/retrieve/fusion.js';
import { retrieveOptionsSchema } from '../../src/retrieve/retrieve-options.js';
import { createRetriever } from '../../src/retrieve/retriever.js';
import { driverCases } from '../helpers/db-drivers.js';
import { hashedEmbedder } from '../helpers/hashed-embedder.js';
import { doc, wholeDocumentChunker } from '../helpers/whole-document-chunker.js';

const analyzer = createEnglishAnalyzer();

describe('fusion', () => {
  it('RRF matches a hand-computed ranking', () => {
    const fused = reciprocalRankFusion(
      [
        [{ chunkId: 1, score: 9 }, { chunkId: 2, score: 8 }, { chunkId: 3, score: 7 }],
        [{ chunkId: 3, score: 0.9 }, { chunkId: 1, score: 0.8 }],
      ],
      60,
    );
    // 1: 1/61 + 1/62; 3: 1/63 + 1/61; 2: 1/62
    expect(fused.map((f) => f.chunkId)).toEqual([1, 3, 2]);
    expect(fused[0].score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(fused[1].score).toBeCloseTo(1 / 63 + 1 / 61, 12);
  });

  it('weighted fusion min-max normalizes each leg', () => {
    const fused = weightedFusion(
      [
        [{ chunkId: 1, score: 10 }, { chunkId: 2, score: 5 }, { chunkId: 3, score: 0 }],
        [{ chunkId: 3, score: 0.9 }, { chunkId: 2, score: 0.5 }, { chunkId: 1, score: 0.1 }],
      ],
      [0.3, 0.7],
    );
    // 1: 0.3*1 + 0.7*0 = 0.3; 2: 0.3*0.5 + 0.7*0.5 = 0.5; 3: 0 + 0.7 = 0.7
    expect(fused.map((f) => [f.chunkId, Number(f.score.toFixed(6))])).toEqual([[3, 0.7], [2, 0.5], [1, 0.3]]);
  });
});

describe('filters', () => {
  it('compiles to parameters only, never user text in SQL', () => {
    const evil = "x'; DROP TABLE chunks; --";
    const { sql, params } = compileFilters(parseFilters([{ field: 'team', op: 'eq', value: evil }, { field: 'source', op: 'prefix', value: evil }]), 3);
    expect(sql).not.toContain('DROP');
    expect(params).toContain(evil);
    expect(sql).toMatch(/\$3/);
  });

  it('names the field when a value has the wrong type', () => {
    expect(() => parseFilters([{ field: 'year', op: 'range', gte: 'soon' }])).toThrow(/field year/);
    expect(() => parseFilters([{ field: 'page', op: 'eq', value: 'two' }].map((f) => f)) && compileFilters(parseFilters([{ field: 'page', op: 'eq', value: 'two' }]), 1)).toThrow(/page: must be a number/);
    expect(() => parseFilterExpression('nonsense')).toThrow(/--filter/);
    expect(parseFilterExpression('year>=2020')).toEqual({ field: 'year', op: 'range', gte: 2020 });
    expect(parseFilterExpression('tags:any=a,b')).toEqual({ field: 'tags', op: 'any', values: ['a', 'b'] });
  });
});

const cases = await driverCases('hybrid');
describe.each(cases)('dense and hybrid retrieval: $name', (driver) => {
  let db: Db;
  const embedder = hashedEmbedder({ dimensions: 32 });
  const docs = Array.from({ length: 60 }, (_, i) =>
    doc(`d${i}`, `document ${i} about ${i % 3 === 0 ? 'solar panels and batteries' : i % 3 === 1 ? 'river fishing trips' : 'tax filing deadlines'}`, {
      metadata: { team: i % 2 === 0 ? 'even' : 'odd', year: 2000 + i, tags: i === 57 ? ['rare'] : ['common'] },
    }),
  );
  const retriever = (mode: 'dense' | 'hybrid' | 'sparse', extra = {}) =>
    createRetriever({ db, analyzer, embedder, options: retrieveOptionsSchema.parse({ mode, candidates: 10, ...extra }) });

  beforeAll(async () => {
    db = await driver.open();
    await migrate(db);
    await runIngest(docs.map((document) => ({ document })), { db, tenant: 't', chunker: wholeDocumentChunker(), analyzer, configFingerprint: {}, titleWeight: 0, embedder });
  });
  afterAll(async () => db.close());

  it('finds nearest neighbours through the HNSW index', async () => {
    const result = await retriever('dense').retrieve({ query: 'solar panels batteries', tenant: 't', k: 5 });
    expect(result.chunks).toHaveLength(5);
    for (const c of result.chunks) expect(c.text).toMatch(/solar/);
    expect(result.confidence).toBeGreaterThan(0.5);
  });

  it('returns k results under a selective filter, on both legs', async () => {
    for (const mode of ['dense', 'sparse', 'hybrid'] as const) {
      const filtered = await retriever(mode).retrieve({ query: 'river fishing trips', tenant: 't', k: 8, filters: [{ field: 'year', op: 'range', gte: 2050 }] });
      expect(filtered.chunks.length, mode).toBe(mode === 'sparse' ? 3 : 8); // years 2050-2059: 10 docs, 3 about fishing
      for (const c of filtered.chunks) expect(Number(c.metadata.year)).toBeGreaterThanOrEqual(2050);
      const rare = await retriever(mode).retrieve({ query: 'tax filing deadlines', tenant: 't', k: 3, filters: [{ field: 'tags', op: 'any', values: ['rare'] }] });
      expect(rare.chunks.map((c) => c.externalId)).toEqual(mode === 'sparse' ? [] : ['d57']);
    }
  });

  it('hybrid fuses both legs and keeps per-leg scores', async () => {
    const result = await retriever('hybrid').retrieve({ query: 'tax filing', tenant: 't', k: 5 });
    expect(result.mode).toBe('hybrid');
    const top = result.chunks[0];
    expect(top.scores.sparseRank).toBeDefined();
    expect(top.scores.denseRank).toBeDefined();
    expect(top.scores.fused).toBeCloseTo(1 / (60 + top.scores.sparseRank!) + 1 / (60 + top.scores.denseRank!), 12);
  });

  it('refuses queries embedded by another embedder, naming both', async () => {
    const other = createRetriever({ db, analyzer, embedder: hashedEmbedder({ dimensions: 16, id: 'test:other' }), options: retrieveOptionsSchema.parse({ mode: 'dense' }) });
    await expect(other.retrieve({ query: 'solar', tenant: 't' })).rejects.toThrow(/built by test:hashed-bow .*test:other/);
  });
});
