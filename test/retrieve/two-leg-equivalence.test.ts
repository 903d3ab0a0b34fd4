import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { openPgliteDb } from '../../src/db/pglite-driver.js';
import type { Db } from '../../src/db/types.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { mulberry32 } from '../../src/random.js';
import { createEnglishAnalyzer } from '../../src/search-index/analyzer.js';
import { fuseLegs, type FusedResult } from '../../src/retrieve/fusion.js';
import { defaultLegRegistry } from '../../src/retrieve/leg-registry.js';
import { createPostingCache } from '../../src/retrieve/posting-cache.js';
import type { LegHit } from '../../src/retrieve/retrieval-leg.js';
import { retrieveOptionsSchema, type RetrieveOptions } from '../../src/retrieve/retrieve-options.js';
import { createRetriever } from '../../src/retrieve/retriever.js';
import type { Filter } from '../../src/retrieve/types.js';
import { hashedEmbedder } from '../helpers/hashed-embedder.js';
import { wholeDocumentChunker } from '../helpers/whole-document-chunker.js';
import { twoLegConfigurations, twoLegCorpus, twoLegQueries } from './fixtures/two-leg-corpus.js';

// The retrieval-leg port must not change what today's two-leg configurations return.

/** The fusion step of retriever.ts as it was before the port (commit ed3393c), verbatim in substance. */
function fusionBeforeThePort(mode: 'sparse' | 'dense' | 'hybrid', sparse: LegHit[], dense: LegHit[], options: RetrieveOptions): FusedResult[] {
  const rrf = (legs: LegHit[][], k: number): FusedResult[] => {
    const scores = new Map<number, number>();
    for (const leg of legs) leg.forEach((item, index) => scores.set(item.chunkId, (scores.get(item.chunkId) ?? 0) + 1 / (k + index + 1)));
    return [...scores].map(([chunkId, score]) => ({ chunkId, score })).sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
  };
  const weighted = (legs: LegHit[][], weights: number[]): FusedResult[] => {
    const scores = new Map<number, number>();
    legs.forEach((leg, i) => {
      if (leg.length === 0) return;
      let min = Infinity;
      let max = -Infinity;
      for (const item of leg) {
        min = Math.min(min, item.score);
        max = Math.max(max, item.score);
      }
      const span = max - min;
      for (const item of leg) scores.set(item.chunkId, (scores.get(item.chunkId) ?? 0) + weights[i] * (span > 0 ? (item.score - min) / span : 1));
    });
    return [...scores].map(([chunkId, score]) => ({ chunkId, score })).sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
  };
  if (mode === 'sparse') return sparse;
  if (mode === 'dense') return dense;
  if (options.fusion === 'rrf') return rrf([sparse, dense], options.rrfK);
  return weighted([sparse, dense], [1 - options.denseWeight, options.denseWeight]);
}

describe('fusion over the leg registry', () => {
  const random = mulberry32(1818);
  /** A leg's hits: distinct ids from a shared pool (so legs overlap), scores descending, some ties. */
  const hits = (count: number, scale: number): LegHit[] => {
    const ids = new Set<number>();
    while (ids.size < count) ids.add(1 + Math.floor(random() * 60));
    let score = scale;
    return [...ids].map((chunkId) => ({ chunkId, score: (score -= random() < 0.2 ? 0 : random() * scale * 0.1) }));
  };

  it('gives the pre-port results, score for score, for every two-leg configuration', () => {
    const registry = defaultLegRegistry();
    let compared = 0;
    for (let trial = 0; trial < 300; trial += 1) {
      const sparse = hits(Math.floor(random() * 40), 20);
      const dense = hits(Math.floor(random() * 40), 1);
      const options = retrieveOptionsSchema.parse({
        fusion: random() < 0.5 ? 'rrf' : 'weighted',
        rrfK: 1 + Math.floor(random() * 100),
        denseWeight: trial % 7 === 0 ? 0.5 : Math.round(random() * 100) / 100,
      });
      for (const mode of ['sparse', 'dense', 'hybrid'] as const) {
        const legs = mode === 'hybrid' ? registry.registrations : [registry.get(mode)!];
        const lists = new Map([['sparse', sparse], ['dense', dense]]);
        const now = fuseLegs(legs.map((r) => ({ hits: lists.get(r.leg.name)!, weight: registry.weightOf(r, options) })), options);
        expect(now, `${mode} ${options.fusion} rrfK=${options.rrfK} denseWeight=${options.denseWeight}`).toEqual(fusionBeforeThePort(mode, sparse, dense, options));
        compared += 1;
      }
    }
    expect(compared).toBe(900);
  });

  it('fuses three legs: weighted RRF adds each leg weight / (k + rank)', () => {
    const fused = fuseLegs(
      [
        { hits: [{ chunkId: 1, score: 9 }, { chunkId: 2, score: 8 }], weight: 1 },
        { hits: [{ chunkId: 2, score: 0.9 }], weight: 1 },
        { hits: [{ chunkId: 3, score: 5 }, { chunkId: 1, score: 4 }], weight: 2 },
      ],
      { fusion: 'rrf', rrfK: 60 },
    );
    // 1: 1/61 + 2/62; 2: 1/62 + 1/61; 3: 2/61
    expect(fused.map((f) => f.chunkId)).toEqual([1, 3, 2]);
    expect(fused[0].score).toBeCloseTo(1 / 61 + 2 / 62, 15);
    expect(fused[1].score).toBeCloseTo(2 / 61, 15);
    expect(fused[2].score).toBeCloseTo(1 / 62 + 1 / 61, 15);
  });
});

describe('the retriever on the pre-port fixture (PGlite)', () => {
  const recorded = JSON.parse(readFileSync(new URL('./fixtures/two-leg-results.json', import.meta.url), 'utf8')) as Record<string, unknown[]>;
  const analyzer = createEnglishAnalyzer();
  const embedder = hashedEmbedder({ dimensions: 32 });
  let db: Db;
  beforeAll(async () => {
    db = await openPgliteDb({ dataDir: 'memory://' });
    await migrate(db);
    await runIngest(twoLegCorpus.map((document) => ({ document })), { db, tenant: 't', chunker: wholeDocumentChunker(), analyzer, configFingerprint: {}, titleWeight: 0, embedder });
  });
  afterAll(async () => db.close());

  it.each(twoLegConfigurations.map((c) => [c.label, c] as const))('%s returns what it returned before the port', async (_label, c) => {
    const options = retrieveOptionsSchema.parse(c.options);
    const retriever = createRetriever({ db, analyzer, embedder, options, postingCache: c.postingCache ? createPostingCache(options.postingCache) : undefined });
    const got: unknown[] = [];
    for (const query of twoLegQueries) {
      const r = await retriever.retrieve({ query, tenant: 't', k: c.k, filters: c.filters as Filter[] | undefined });
      got.push({ query, mode: r.mode, requestedMode: r.requestedMode ?? null, notices: r.notices, confidence: r.confidence, chunks: r.chunks.map((x) => ({ externalId: x.externalId, chunkId: x.chunkId, score: x.score, scores: x.scores })) });
    }
    expect(got).toEqual(recorded[c.label]);
    expect((recorded[c.label] as Array<{ chunks: unknown[] }>).some((r) => r.chunks.length > 0)).toBe(true);
  });
});
