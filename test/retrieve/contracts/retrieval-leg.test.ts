import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../src/db/migrate.js';
import type { Db } from '../../../src/db/types.js';
import { createEnglishAnalyzer } from '../../../src/search-index/analyzer.js';
import { createDenseLeg } from '../../../src/retrieve/dense-leg.js';
import { createLegRegistry, defaultLegRegistry } from '../../../src/retrieve/leg-registry.js';
import { createPostingCache } from '../../../src/retrieve/posting-cache.js';
import { createPostingCacheBm25Leg } from '../../../src/retrieve/posting-cache-bm25-leg.js';
import { retrieveOptionsSchema } from '../../../src/retrieve/retrieve-options.js';
import { createRetriever } from '../../../src/retrieve/retriever.js';
import { createSqlBm25Leg } from '../../../src/retrieve/sql-bm25-leg.js';
import { driverCases } from '../../helpers/db-drivers.js';
import { hashedEmbedder } from '../../helpers/hashed-embedder.js';
import { LEG_CONTRACT_TENANTS, retrievalLegContract, seedLegContractCorpus, type LegContractFixture } from './retrieval-leg.contract.js';
import { createTitleMatchLeg } from './title-match-leg.js';

const analyzer = createEnglishAnalyzer();
const embedder = hashedEmbedder({ dimensions: 64 });
/** One posting cache for the whole file: the contract's queries go through it, and the end checks it served them. */
const postingCache = createPostingCache({ maxPostings: 1_000_000, maxQueryPostings: 1_000_000 });

const cases = await driverCases('retrieval_leg');

describe.each(cases)('retrieval legs on $name', (driver) => {
  let db: Db;
  const fixture = (): LegContractFixture => ({ db, analyzer, embedder });
  beforeAll(async () => {
    db = await driver.open();
    await migrate(db);
    await seedLegContractCorpus(db, analyzer, embedder);
  }, 120_000);
  afterAll(async () => db?.close());

  // Every leg groundwork ships, and a test leg that only exists in this folder.
  retrievalLegContract({ label: 'BM25 in SQL', create: createSqlBm25Leg }, fixture);
  retrievalLegContract({ label: 'BM25 from the posting cache', create: () => createPostingCacheBm25Leg(postingCache) }, fixture);
  retrievalLegContract({ label: 'dense (hashed test embedder)', create: createDenseLeg }, fixture);
  retrievalLegContract({ label: 'title match (test leg)', create: createTitleMatchLeg }, fixture);

  it('the posting-cache leg scored the unfiltered queries from memory', () => {
    expect(postingCache.stats().queries).toBeGreaterThan(0);
  });

  describe('a new leg is one module plus its registration', () => {
    const legs = defaultLegRegistry().with(createTitleMatchLeg());
    const retriever = (extra: Record<string, unknown> = {}) => createRetriever({ db, analyzer, embedder, legs, options: retrieveOptionsSchema.parse({ candidates: 10, ...extra }) });

    it('adds its name to the modes and runs alone under it', async () => {
      expect(legs.modes).toEqual(['sparse', 'dense', 'title', 'hybrid']);
      const result = await retriever().retrieve({ query: 'zebra migration', tenant: LEG_CONTRACT_TENANTS.main, mode: 'title', k: 3 });
      expect(result.mode).toBe('title');
      expect(result.chunks[0].externalId).toBe('target');
      expect(result.chunks[0].scores).toEqual({ title: 1, titleRank: 1 });
      expect(Object.keys(result.timings.legsMs)).toEqual(['title']);
    });

    it('is fused with the built-in legs in hybrid mode, each leg weighted and timed', async () => {
      const result = await retriever().retrieve({ query: 'zebra quantum migration', tenant: LEG_CONTRACT_TENANTS.main, k: 5 });
      expect(result.mode).toBe('hybrid');
      expect(Object.keys(result.timings.legsMs).sort()).toEqual(['dense', 'sparse', 'title']);
      const top = result.chunks[0];
      expect(top.externalId).toBe('target');
      expect(top.scores.titleRank).toBe(1);
      // RRF over three legs, each weighing 1: 1/(60 + rank) per leg that found the chunk.
      const expected = [top.scores.sparseRank, top.scores.denseRank, top.scores.titleRank].reduce<number>((sum, rank) => sum + (rank ? 1 / (60 + rank) : 0), 0);
      expect(top.scores.fused).toBeCloseTo(expected, 12);
      // A chunk the title leg did not find has no title score, and fewer terms in its fused score.
      const other = result.chunks.find((c) => c.scores.titleRank === undefined);
      if (other) expect(other.scores.title).toBeUndefined();
    });

    it('weighs as registered: a heavier title leg lifts its own hits', async () => {
      const heavy = createLegRegistry([...defaultLegRegistry().registrations, { leg: createTitleMatchLeg(), weight: 5 }]);
      const result = await createRetriever({ db, analyzer, embedder, legs: heavy, options: retrieveOptionsSchema.parse({}) }).retrieve({ query: 'solar river', tenant: LEG_CONTRACT_TENANTS.main, k: 5 });
      // Only titles about solar panels hold "solar": with weight 5 they take every top place.
      for (const c of result.chunks) expect(c.title).toMatch(/solar/);
    });

    it('is left out of hybrid, with a notice, for filters it does not apply; refused alone', async () => {
      const filters = [{ field: 'team', op: 'eq' as const, value: 'even' }];
      const result = await retriever().retrieve({ query: 'solar river', tenant: LEG_CONTRACT_TENANTS.main, k: 5, filters });
      expect(result.mode).toBe('hybrid');
      expect(result.notices).toContain('the title leg does not apply filters: left out of hybrid retrieval');
      expect(Object.keys(result.timings.legsMs).sort()).toEqual(['dense', 'sparse']);
      await expect(retriever().retrieve({ query: 'solar', tenant: LEG_CONTRACT_TENANTS.main, mode: 'title', filters })).rejects.toThrow(/filters: the title leg does not apply filters/);
    });

    it('keeps hybrid without an embedder to the legs that need none', async () => {
      const result = await createRetriever({ db, analyzer, legs, options: retrieveOptionsSchema.parse({}) }).retrieve({ query: 'zebra quantum', tenant: LEG_CONTRACT_TENANTS.main, k: 3 });
      expect(result.mode).toBe('hybrid');
      expect(result.notices).toContain('no embedding model is configured: hybrid retrieval degraded to sparse + title');
      expect(Object.keys(result.timings.legsMs).sort()).toEqual(['sparse', 'title']);
    });

    it('refuses a mode no leg is registered under, naming the modes', async () => {
      await expect(retriever().retrieve({ query: 'zebra', tenant: LEG_CONTRACT_TENANTS.main, mode: 'colbert' })).rejects.toThrow(/mode: must be one of sparse, dense, title, hybrid/);
    });

    it('refuses a second leg of the same name, and reserved or malformed names', () => {
      expect(() => legs.with(createTitleMatchLeg())).toThrow(/registered twice/);
      expect(() => legs.with({ ...createTitleMatchLeg(), name: 'hybrid' })).toThrow(/reserved/);
      expect(() => legs.with({ ...createTitleMatchLeg(), name: 'Title Match' })).toThrow(/lowercase/);
    });
  });

  describe('the retriever around the legs', () => {
    it('runs the legs in parallel and reports each one\'s time', async () => {
      // Two slow legs of 150 ms each: in parallel the retrieval takes about 150 ms, not 300.
      const slow = (name: string) => ({
        name,
        capabilities: { needsEmbedder: false, filters: true },
        search: async () => {
          await new Promise((resolve) => setTimeout(resolve, 150));
          return { hits: [], confidence: 0 };
        },
      });
      const legs = createLegRegistry([slow('first'), slow('second')]);
      const result = await createRetriever({ db, analyzer, legs, options: retrieveOptionsSchema.parse({}) }).retrieve({ query: 'zebra', tenant: LEG_CONTRACT_TENANTS.main });
      expect(result.timings.legsMs.first).toBeGreaterThanOrEqual(140);
      expect(result.timings.legsMs.second).toBeGreaterThanOrEqual(140);
      expect(result.timings.totalMs).toBeLessThan(result.timings.legsMs.first + result.timings.legsMs.second);
      expect(result.timings.rerankMs).toBe(0);
    });

    it('rejects with the abort reason when the request is aborted while the legs run', async () => {
      const never = { name: 'never', capabilities: { needsEmbedder: false, filters: true }, search: () => new Promise<never>(() => {}) };
      const controller = new AbortController();
      const pending = createRetriever({ db, analyzer, legs: createLegRegistry([never]), options: retrieveOptionsSchema.parse({}) }).retrieve({ query: 'zebra', tenant: LEG_CONTRACT_TENANTS.main, signal: controller.signal });
      setTimeout(() => controller.abort(new Error('deadline passed')), 20);
      await expect(pending).rejects.toThrow(/deadline passed/);
    });
  });
});
