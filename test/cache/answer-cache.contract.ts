import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/types.js';
import { randomUUID } from 'node:crypto';
import {
  CACHE_HNSW_BUILD, cacheEmbedderKey, cacheHnswIndexName, clearCache, createAnswerCache, createPostgresCacheStore, registerCacheEmbedder,
  type AnswerCacheInit, type CacheAnswer, type CacheEntry, type CacheScope,
} from '../../src/cache/index.js';
import { createBagOfWordsEmbedder, putDocument } from './helpers.js';

const scope = (tenant = 'acme', extra: Partial<CacheScope> = {}): CacheScope => ({
  tenant,
  answerConfigHash: 'cfg1',
  promptTemplateVersion: 'p1',
  retrievalMode: 'hybrid',
  filters: { lang: 'en', year: 2024 },
  ...extra,
});
const answer = (text: string, documents: Array<{ id: number; version: number }>): CacheAnswer => ({
  answer: text,
  citations: documents.map((d) => ({ documentId: d.id })),
  documents,
});
/** Deterministic unit vector from a seed (xorshift32). */
const unitVector = (dimensions: number, seed: number): Float32Array => {
  let state = seed * 2654435761 >>> 0 || 1;
  const v = Float32Array.from({ length: dimensions }, () => {
    state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
    return state / 2 ** 32 - 0.5;
  });
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};
/** A unit vector at exactly `similarity` cosine to unit vector `to`, leaning towards `other`. */
const towards = (to: Float32Array, other: Float32Array, similarity: number): Float32Array => {
  const along = other.reduce((sum, x, i) => sum + x * to[i], 0);
  const orthogonal = other.map((x, i) => x - along * to[i]);
  const norm = Math.hypot(...orthogonal);
  const sine = Math.sqrt(1 - similarity * similarity);
  return to.map((x, i) => similarity * x + (sine * orthogonal[i]) / norm);
};
// Bag-of-words cosine is coarse: a low threshold makes near-duplicates reach the guards, which is what these tests exercise.
const options = { semantic: { defaultThreshold: 0.6 }, ttlSeconds: 3600, maxEntries: 1000 };

/** Runs the answer-cache contract against one database kind. */
export function answerCacheContract(name: string, open: () => Promise<Db | undefined>): void {
  describe(`answer cache on ${name}`, () => {
    let db: Db | undefined;
    beforeAll(async () => {
      db = await open();
    });
    afterAll(async () => {
      await db?.close();
    });
    const make = (init: Partial<AnswerCacheInit> = {}) => createAnswerCache({ db: db!, options, embedder: createBagOfWordsEmbedder(), ...init });
    /** The entry as the store reads it now: hit count and LRU clock include the recorded hits. */
    const reread = async (entry: CacheEntry) => createPostgresCacheStore(db!).getExact(entry);
    /** Entry ids that have a row in cache_entry_hits, sorted. */
    const hitRowIds = async () => (await db!.query<{ id: string }>('SELECT entry_id::text AS id FROM cache_entry_hits ORDER BY 1')).rows.map((r) => r.id);

    it('serves an exact repeat and a paraphrase, and refuses negated, renumbered, swapped and reversed questions', async (context) => {
      if (!db) return context.skip();
      const cache = make();
      await cache.clear();
      const doc = await putDocument(db, 'acme', 'handbook.md');
      await cache.store({ question: 'Does the Pro plan include audit logs?', scope: scope() }, answer('Yes, 90 days of audit logs.', [doc]));
      await cache.store({ question: 'Is the upload limit 5 GB on the Starter plan?', scope: scope() }, answer('Yes.', [doc]));
      await cache.store({ question: 'Are purchases above $500 reviewed by finance?', scope: scope() }, answer('Yes, all of them.', [doc]));

      const exact = await cache.lookup({ question: '  does the pro plan include audit logs ', scope: scope() });
      expect(exact).toMatchObject({ hit: true, layer: 'exact', similarity: 1 });
      const paraphrase = await cache.lookup({ question: 'Does the Pro plan include the audit logs?', scope: scope() });
      expect(paraphrase).toMatchObject({ hit: true, layer: 'semantic' });
      expect(paraphrase.entry?.answer).toBe('Yes, 90 days of audit logs.');

      const negated = await cache.lookup({ question: 'Does the Pro plan not include audit logs?', scope: scope() });
      expect(negated.hit).toBe(false);
      expect(negated.hit === false && negated.rejections[0]?.reasons.map((r) => r.code)).toContain('negation.polarity');
      const number = await cache.lookup({ question: 'Is the upload limit 5 TB on the Starter plan?', scope: scope() });
      expect(number.hit).toBe(false);
      expect(number.hit === false && number.rejections.flatMap((r) => r.reasons.map((x) => x.code))).toContain('number.unit');
      const entity = await cache.lookup({ question: 'Does the Team plan include audit logs?', scope: scope() });
      expect(entity.hit).toBe(false);
      const reversed = await cache.lookup({ question: 'Are purchases below $500 reviewed by finance?', scope: scope() });
      expect(reversed.hit).toBe(false);
      expect(reversed.hit === false && reversed.rejections.flatMap((r) => r.reasons.map((x) => x.code))).toContain('comparison.direction');

      const stats = cache.stats();
      expect(stats.hits).toEqual({ exact: 1, semantic: 1 });
      expect(stats.misses).toBe(4);
      expect(stats.rejections['negation.polarity']).toBeGreaterThanOrEqual(1);
    });

    it('keeps scopes apart: tenant, filters, prompt version and embedder', async (context) => {
      if (!db) return context.skip();
      const cache = make();
      await cache.clear();
      await cache.store({ question: 'What is the refund window?', scope: scope('acme') }, answer('30 days', []));
      expect((await cache.lookup({ question: 'What is the refund window?', scope: scope('acme') })).hit).toBe(true);
      expect((await cache.lookup({ question: 'What is the refund window?', scope: scope('globex') })).hit).toBe(false);
      expect((await cache.lookup({ question: 'What is the refund window?', scope: scope('acme', { filters: { lang: 'de' } }) })).hit).toBe(false);
      expect((await cache.lookup({ question: 'What is the refund window?', scope: scope('acme', { filters: { year: 2024, lang: 'en' } }) })).hit).toBe(true);
      expect((await cache.lookup({ question: 'What is the refund window?', scope: scope('acme', { promptTemplateVersion: 'p2' }) })).hit).toBe(false);
      const other = make({ embedder: createBagOfWordsEmbedder(32) });
      expect((await other.lookup({ question: 'What is the refund window?', scope: scope('acme') })).hit).toBe(false);
      expect(await cache.clear({ tenant: 'globex' })).toBe(0);
      expect(await cache.clear({ tenant: 'acme' })).toBe(1);
    });

    it('never serves an entry whose document was re-ingested or deleted, and purges only entries that used it', async (context) => {
      if (!db) return context.skip();
      const cache = make();
      await cache.clear();
      const policy = await putDocument(db, 'acme', 'policy.md');
      const pricing = await putDocument(db, 'acme', 'pricing.md');
      await cache.store({ question: 'How many vacation days do new hires get?', scope: scope() }, answer('25', [policy]));
      await cache.store({ question: 'How much does the Pro plan cost?', scope: scope() }, answer('$49', [pricing]));
      await cache.store({ question: 'Which plans include vacation tracking?', scope: scope() }, answer('Pro', [policy, pricing]));

      await putDocument(db, 'acme', 'policy.md'); // re-ingest: version bump, no purge call
      expect((await cache.lookup({ question: 'How many vacation days do new hires get?', scope: scope() })).hit).toBe(false);
      expect((await cache.lookup({ question: 'Which plans include vacation tracking?', scope: scope() })).hit).toBe(false);
      expect((await cache.lookup({ question: 'How much does the Pro plan cost?', scope: scope() })).hit).toBe(true);
      expect(cache.stats().staleEntriesDropped).toBe(2);

      await cache.store({ question: 'How many vacation days do new hires get?', scope: scope() }, answer('25', [(await putDocument(db, 'acme', 'policy.md'))]));
      const current = await db.query<{ id: number }>("SELECT id::int AS id FROM documents WHERE tenant = 'acme' AND external_id = 'pricing.md'");
      expect(await cache.invalidateDocuments('acme', [current.rows[0].id])).toBe(1);
      expect((await cache.lookup({ question: 'How much does the Pro plan cost?', scope: scope() })).hit).toBe(false);
      expect((await cache.lookup({ question: 'How many vacation days do new hires get?', scope: scope() })).hit).toBe(true);

      await db.query("DELETE FROM documents WHERE tenant = 'acme' AND external_id = 'policy.md'");
      expect((await cache.lookup({ question: 'How many vacation days do new hires get?', scope: scope() })).hit).toBe(false);
    });

    it('expires entries after the TTL and evicts the least recently used beyond the size cap', async (context) => {
      if (!db) return context.skip();
      let clock = Date.parse('2025-01-01T00:00:00Z');
      const cache = make({ now: () => clock, options: { ...options, ttlSeconds: 60, maxEntries: 3 } });
      await cache.clear();
      await cache.store({ question: 'What is the dress code?', scope: scope() }, answer('Casual', []));
      clock += 59_000;
      expect((await cache.lookup({ question: 'What is the dress code?', scope: scope() })).hit).toBe(true);
      // A paraphrase finds it by similarity until it expires too (expiry is checked after the search).
      expect(await cache.lookup({ question: 'What is the dress code here?', scope: scope() })).toMatchObject({ hit: true, layer: 'semantic' });
      clock += 2_000;
      expect((await cache.lookup({ question: 'What is the dress code here?', scope: scope() })).hit).toBe(false);
      expect(cache.stats().expiredEntriesDropped).toBe(1);
      expect((await cache.lookup({ question: 'What is the dress code?', scope: scope() })).hit).toBe(false);

      for (const [i, q] of ['Who approves travel?', 'Where is the wiki?', 'When is payday?'].entries()) {
        clock += 1000 * (i + 1);
        await cache.store({ question: q, scope: scope() }, answer(q, []));
      }
      clock += 1000;
      expect((await cache.lookup({ question: 'Who approves travel?', scope: scope() })).hit).toBe(true); // now most recent
      clock += 1000;
      await cache.store({ question: 'How do I reset my password?', scope: scope() }, answer('SSO portal', []));
      expect(cache.stats().evictions).toBe(1);
      expect((await cache.lookup({ question: 'Where is the wiki?', scope: scope() })).hit).toBe(false);
      expect((await cache.lookup({ question: 'Who approves travel?', scope: scope() })).hit).toBe(true);
      expect((await cache.lookup({ question: 'When is payday?', scope: scope() })).hit).toBe(true);
    });

    it('computes once for concurrent identical requests and gives every caller the answer', async (context) => {
      if (!db) return context.skip();
      const cache = make();
      await cache.clear();
      let computations = 0;
      const compute = async (): Promise<CacheAnswer> => {
        computations += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
        return answer('Computed once', []);
      };
      const results = await Promise.all(Array.from({ length: 8 }, () => cache.getOrCompute({ question: 'Is the office open on Sundays?', scope: scope() }, compute)));
      expect(computations).toBe(1);
      expect(results.every((r) => r.answer.answer === 'Computed once')).toBe(true);
      expect(results.filter((r) => r.computed)).toHaveLength(1);
      const later = await cache.getOrCompute({ question: 'Is the office open on Sundays?', scope: scope() }, compute);
      expect(later).toMatchObject({ computed: false, cache: { hit: true, layer: 'exact' } });
      expect(computations).toBe(1);
    });

    it('serves the nearest entry of its own scope when many entries of other scopes are nearer, and records the hit', async (context) => {
      if (!db) return context.skip();
      const cache = make();
      await cache.clear();
      const dims = createBagOfWordsEmbedder().dimensions;
      const query = unitVector(dims, 1);
      const near = (similarity: number, seed: number): Float32Array => towards(query, unitVector(dims, seed), similarity);
      // Other tenants and other filters hold many near-copies of the query: an index scan that
      // filtered the scope only after its LIMIT would find none of ours.
      for (let i = 0; i < 60; i += 1) {
        await cache.store({ question: 'How do I rotate the API keys?', scope: scope(`other-${i}`), embedding: near(0.99, 100 + i) }, answer(`other tenant ${i}`, []));
        await cache.store({ question: `How do I rotate the API keys in region ${i}?`, scope: scope('acme', { filters: { lang: 'de', region: i } }), embedding: near(0.98, 200 + i) }, answer(`other filters ${i}`, []));
      }
      for (let i = 0; i < 40; i += 1) {
        await cache.store({ question: `Filler question about topic ${i}?`, scope: scope('acme'), embedding: unitVector(dims, 300 + i) }, answer(`filler ${i}`, []));
      }
      const ours = await cache.store({ question: 'How do I rotate the API keys?', scope: scope('acme') }, answer('Settings > Keys > Rotate', []));
      await db.query('UPDATE cache_entries SET embedding = $2::vector WHERE id = $1::uuid', [ours.id, `[${Array.from(near(0.9, 7)).join(',')}]`]);

      const found = await cache.lookup({ question: 'How can I rotate the API keys?', scope: scope('acme'), embedding: query });
      expect(found).toMatchObject({ hit: true, layer: 'semantic' });
      expect(found.entry?.answer).toBe('Settings > Keys > Rotate');
      expect(found.similarity).toBeCloseTo(0.9, 3);
      await cache.flushHits();
      expect((await reread(ours))?.hitCount).toBe(1);
      const elsewhere = await cache.lookup({ question: 'How can I rotate the API keys?', scope: scope('nobody'), embedding: query });
      expect(elsewhere.hit).toBe(false);
    });

    it('counts every exact and semantic hit and writes the counts by close()', async (context) => {
      if (!db) return context.skip();
      const clock = Date.parse('2025-03-01T00:00:00Z');
      const cache = make({ now: () => clock });
      await cache.clear();
      const entry = await cache.store({ question: 'Does the Pro plan include audit logs?', scope: scope() }, answer('Yes', []));
      await cache.lookup({ question: 'Does the Pro plan include audit logs?', scope: scope() });
      await cache.lookup({ question: 'does the pro plan include audit logs', scope: scope() });
      expect(await cache.lookup({ question: 'Does the Pro plan include the audit logs?', scope: scope() })).toMatchObject({ hit: true, layer: 'semantic' });
      await cache.close();
      const stored = await reread(entry);
      expect(stored?.hitCount).toBe(3);
      expect(stored?.lastHitAt.getTime()).toBe(clock);
    });

    it('reports the hits recorded so far on every read path, and never writes them to the entry row', async (context) => {
      if (!db) return context.skip();
      const start = Date.parse('2025-06-01T00:00:00Z');
      let clock = start;
      const embedder = createBagOfWordsEmbedder();
      const cache = make({ embedder, now: () => clock });
      await cache.clear();
      const entry = await cache.store({ question: 'Who approves travel expenses?', scope: scope() }, answer('The team lead', []));
      // Each read sees the hits of the reads before it: read i (at start + i s) reports i - 1 hits, the last at start + (i - 1) s.
      const paths: Array<[string, 'exact' | 'semantic', boolean]> = [
        ['who approves travel expenses', 'exact', false], // getExactChecked
        ['Who approves travel expenses?', 'exact', false],
        ['Who approves the travel expenses?', 'semantic', false], // exact key missing, then nearest()
        ['who approves travel expenses', 'exact', true], // exactOrNearest(): the exact key
        ['Who approves the travel expenses?', 'semantic', true], // exactOrNearest(): the nearest entries
      ];
      for (const [i, [question, layer, withEmbedding]] of paths.entries()) {
        clock = start + (i + 1) * 1000;
        const found = await cache.lookup({ question, scope: scope(), ...(withEmbedding ? { embedding: await embedder.embedQuery(question) } : {}) });
        expect(found).toMatchObject({ hit: true, layer, entry: { id: entry.id, hitCount: i } });
        expect(found.entry?.lastHitAt.getTime()).toBe(start + i * 1000);
        await cache.flushHits();
      }
      expect(await reread(entry)).toMatchObject({ hitCount: paths.length, lastHitAt: new Date(start + paths.length * 1000) });
      const row = await db.query<{ hit_count: number; last_hit_at: Date }>('SELECT hit_count, last_hit_at FROM cache_entries WHERE id = $1::uuid', [entry.id]);
      expect(row.rows[0]).toEqual({ hit_count: 0, last_hit_at: new Date(start) });
    });

    it('leaves no hit rows behind when entries are removed, invalidated, cleared, evicted or expire', async (context) => {
      if (!db) return context.skip();
      let clock = Date.parse('2025-06-02T00:00:00Z');
      const cache = make({ now: () => clock });
      await cache.clear();
      const pg = createPostgresCacheStore(db);
      const doc = await putDocument(db, 'acme', 'hit-rows.md');
      const questions = ['Who removes entries?', 'Which entry used the document?', 'Which tenant is cleared?', 'Who is least recently used?', 'Which entry expires?', 'Who stays until the end?'];
      const entries: CacheEntry[] = [];
      for (const [i, question] of questions.entries()) {
        clock += 1000;
        entries.push(await cache.store({ question, scope: scope(i === 2 ? 'globex' : 'acme') }, answer(question, i === 1 ? [doc] : [])));
      }
      for (const [i, question] of questions.entries()) {
        clock += 1000;
        expect((await cache.lookup({ question, scope: scope(i === 2 ? 'globex' : 'acme') })).hit).toBe(true);
      }
      await cache.flushHits();
      const left = new Set(entries.map((e) => e.id));
      const expectHitRows = async () => expect(await hitRowIds()).toEqual([...left].sort());
      await expectHitRows();

      expect(await pg.remove('acme', [entries[0].id])).toBe(1); // how stale and expired entries are dropped
      left.delete(entries[0].id);
      await expectHitRows();
      expect(await cache.invalidateDocuments('acme', [doc.id])).toBe(1);
      left.delete(entries[1].id);
      await expectHitRows();
      expect(await cache.clear({ tenant: 'globex' })).toBe(1);
      left.delete(entries[2].id);
      await expectHitRows();
      expect(await pg.enforceLimits(new Date(clock), 2)).toEqual({ expired: 0, evicted: 1 });
      left.delete(entries[3].id);
      await expectHitRows();
      await db.query('UPDATE cache_entries SET expires_at = $2 WHERE id = $1::uuid', [entries[4].id, new Date(clock - 1)]);
      expect(await pg.enforceLimits(new Date(clock), 1000)).toEqual({ expired: 1, evicted: 0 });
      left.delete(entries[4].id);
      await expectHitRows();
      expect(await clearCache(db)).toEqual({ deleted: 1 });
      expect(await hitRowIds()).toEqual([]);
    });

    it('drops hits on an entry deleted before the flush, without an error', async (context) => {
      if (!db) return context.skip();
      const cache = make();
      await cache.clear();
      const pg = createPostgresCacheStore(db);
      const gone = await cache.store({ question: 'Where is the old wiki?', scope: scope() }, answer('Gone', []));
      const kept = await cache.store({ question: 'Who runs payroll?', scope: scope() }, answer('Finance', []));
      expect((await cache.lookup({ question: 'Where is the old wiki?', scope: scope() })).hit).toBe(true);
      expect((await cache.lookup({ question: 'Who runs payroll?', scope: scope() })).hit).toBe(true);
      await pg.remove('acme', [gone.id]); // e.g. dropped as stale by another process while the hits wait
      await cache.flushHits();
      expect(cache.stats().errors).toBe(0);
      expect(await hitRowIds()).toEqual([kept.id]);
      // An unknown id, and a known id under another tenant, record nothing either.
      await pg.recordHits([
        { tenant: 'acme', id: randomUUID(), hits: 2, lastHitAt: new Date() },
        { tenant: 'globex', id: kept.id, hits: 5, lastHitAt: new Date() },
      ]);
      expect(await hitRowIds()).toEqual([kept.id]);
      expect((await reread(kept))?.hitCount).toBe(1);
      expect(await pg.touch('acme', gone.id, new Date())).toBe(false);
      expect(await pg.touch('globex', kept.id, new Date())).toBe(false);
      expect(await pg.touch('acme', kept.id, new Date())).toBe(true);
      expect((await reread(kept))?.hitCount).toBe(2);
    });

    it('evicts by the hits recorded in cache_entry_hits: an entry hit recently survives an older one', async (context) => {
      if (!db) return context.skip();
      const start = Date.parse('2025-06-03T00:00:00Z');
      let clock = start;
      const cache = make({ now: () => clock, options: { ...options, maxEntries: 2 } });
      await cache.clear();
      const first = await cache.store({ question: 'Who approves travel?', scope: scope() }, answer('Lead', []));
      clock += 1000;
      const second = await cache.store({ question: 'Where is the wiki?', scope: scope() }, answer('Confluence', []));
      clock += 1000;
      expect((await cache.lookup({ question: 'Who approves travel?', scope: scope() })).hit).toBe(true); // first is now the most recent
      clock += 1000;
      const third = await cache.store({ question: 'When is payday?', scope: scope() }, answer('The 25th', [])); // flushes the hit, then evicts
      expect(cache.stats().evictions).toBe(1);
      const ids = await db.query<{ id: string }>('SELECT id::text AS id FROM cache_entries ORDER BY created_at');
      expect(ids.rows.map((r) => r.id)).toEqual([first.id, third.id]);
      expect(ids.rows.map((r) => r.id)).not.toContain(second.id);
      // The entry row still holds its creation time: the hit that saved it lives in cache_entry_hits only.
      const row = await db.query<{ last_hit_at: Date }>('SELECT last_hit_at FROM cache_entries WHERE id = $1::uuid', [first.id]);
      expect(row.rows[0].last_hit_at.getTime()).toBe(start);
    });

    it('asks the reranker, then serves only an entry still fresh after its call', async (context) => {
      if (!db) return context.skip();
      const scores: number[] = [];
      const calls: Array<[string, string[]]> = [];
      const reranker = { id: 'test:reranker', maxBatchSize: 8, async rerank(query: string, passages: string[]) { calls.push([query, passages]); return [scores.shift() ?? 0]; } };
      const doc = await putDocument(db, 'acme', 'rerank.md');
      const cache = make({ reranker, options: { ...options, reranker: { enabled: true, minScore: 0.5 } } });
      await cache.clear();
      const entry = await cache.store({ question: 'Does the Pro plan include audit logs?', scope: scope() }, answer('Yes', [doc]));
      scores.push(0.1);
      const low = await cache.lookup({ question: 'Does the Pro plan include the audit logs?', scope: scope() });
      expect(low.hit === false && low.rejections[0]?.reasons.map((r) => r.code)).toEqual(['reranker.score']);
      scores.push(0.9);
      expect(await cache.lookup({ question: 'Does the Pro plan include the audit logs?', scope: scope() })).toMatchObject({ hit: true, layer: 'semantic' });
      expect((await reread(entry))?.hitCount).toBe(1); // recorded with the freshness re-check, not batched
      // The document changes while the reranker runs: the candidate read as fresh must not be served.
      const slow = make({ reranker: { ...reranker, async rerank() { await putDocument(db!, 'acme', 'rerank.md'); return [0.9]; } }, options: { ...options, reranker: { enabled: true, minScore: 0.5 } } });
      expect((await slow.lookup({ question: 'Does the Pro plan include the audit logs?', scope: scope() })).hit).toBe(false);
      expect(calls).toHaveLength(2);
    });

    it('sets the HNSW search settings for its own statement only', async (context) => {
      if (!db) return context.skip();
      const cache = make({ options: { ...options, semantic: { ...options.semantic, efSearch: 77 } } });
      await cache.clear();
      await cache.store({ question: 'Who signs purchase orders?', scope: scope() }, answer('Finance', []));
      expect(await cache.lookup({ question: 'Who signs the purchase orders?', scope: scope() })).toMatchObject({ hit: true, layer: 'semantic' });
      // PGlite has one connection; the pool hands back the connection released last.
      const settings = await db.query<{ ef: string | null; iterative: string | null }>("SELECT current_setting('hnsw.ef_search', true) AS ef, current_setting('hnsw.iterative_scan', true) AS iterative");
      expect(settings.rows[0].ef).not.toBe('77');
      expect(settings.rows[0].iterative).not.toBe('relaxed_order');
    });

    it('indexes each embedder with an HNSW index of its vector type and build settings and drops the indexes of earlier versions', async (context) => {
      if (!db) return context.skip();
      const embedder = createBagOfWordsEmbedder(48);
      const row = await registerCacheEmbedder(db, cacheEmbedderKey(embedder), 48, { hnsw: false });
      await db.exec(`CREATE INDEX cache_entries_hnsw_${row.id} ON cache_entries USING hnsw ((embedding::vector(48)) vector_cosine_ops) WHERE embedder_id = ${row.id}`);
      await db.exec(`CREATE INDEX cache_entries_hnsw_half_${row.id} ON cache_entries USING hnsw ((embedding::halfvec(48)) halfvec_cosine_ops) WHERE embedder_id = ${row.id}`);
      const cache = make({ embedder });
      await cache.store({ question: 'Who signs purchase orders?', scope: scope() }, answer('Finance', []));
      const indexes = await db.query<{ indexname: string; indexdef: string }>("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cache_entries' AND indexname LIKE $1", [`cache_entries_hnsw_%${row.id}`]);
      expect(indexes.rows.map((r) => r.indexname)).toEqual([cacheHnswIndexName(row.id, 48, db.kind)]);
      // Half precision on a PostgreSQL server, floats on PGlite (see indexVectorType).
      expect(indexes.rows[0].indexdef).toContain(`(embedding)::${db.kind === 'postgres' ? 'halfvec' : 'vector'}(48)`);
      expect(indexes.rows[0].indexdef).toContain(`WITH (m='${CACHE_HNSW_BUILD.m}', ef_construction='${CACHE_HNSW_BUILD.efConstruction}')`);
      expect((await cache.lookup({ question: 'Who signs the purchase orders?', scope: scope() })).hit).toBe(true);
    });

    it('with the caller\'s embedding, looks up the exact key and the nearest entries in one statement', async (context) => {
      if (!db) return context.skip();
      const embedder = createBagOfWordsEmbedder();
      const statements: string[] = [];
      // Counts the statements the cache sends (transactions count as one).
      const counted: Db = new Proxy(db, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (prop === 'query' || prop === 'transaction' || prop === 'exec') {
            return (...args: unknown[]) => {
              statements.push(String(args[0]).replace(/\s+/g, ' ').slice(0, 60));
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          }
          return value;
        },
      });
      const clock = Date.parse('2025-05-01T00:00:00Z');
      const cache = createAnswerCache({ db: counted, options, embedder, now: () => clock });
      await cache.clear();
      const doc = await putDocument(db, 'acme', 'one-statement.md');
      const asked = async (question: string) => {
        statements.length = 0;
        const found = await cache.lookup({ question, scope: scope(), embedding: await embedder.embedQuery(question) });
        return { found, statements: statements.length };
      };
      await cache.store({ question: 'Who approves travel expenses?', scope: scope() }, answer('The team lead', [doc]));
      await cache.store({ question: 'Who approves hardware purchases?', scope: scope() }, answer('IT', []));
      expect(await asked('who approves travel expenses')).toMatchObject({ found: { hit: true, layer: 'exact' }, statements: 1 });
      expect(await asked('Who approves the travel expenses?')).toMatchObject({ found: { hit: true, layer: 'semantic', entry: { answer: 'The team lead' } }, statements: 1 });
      const miss = await asked('What is the capital of Peru?');
      expect(miss).toMatchObject({ found: { hit: false }, statements: 1 });
      // An exact entry that cannot be served (its document changed) is dropped, and the nearest
      // entries are still searched: the similar question about hardware is found as a semantic candidate.
      await cache.store({ question: 'Who approves hardware purchases today?', scope: scope() }, answer('stale', [doc]));
      await putDocument(db, 'acme', 'one-statement.md');
      const fallback = await asked('Who approves hardware purchases today?');
      expect(fallback.found).toMatchObject({ hit: true, layer: 'semantic', entry: { answer: 'IT' } });
      expect(cache.stats().staleEntriesDropped).toBeGreaterThanOrEqual(1);
      // Expired exact entry: the same fallback.
      const expiring = await cache.store({ question: 'Who approves hardware purchases now?', scope: scope() }, answer('expired', []));
      await db.query('UPDATE cache_entries SET expires_at = $2 WHERE id = $1::uuid', [expiring.id, new Date(clock - 1000)]);
      expect((await asked('Who approves hardware purchases now?')).found).toMatchObject({ hit: true, layer: 'semantic', entry: { answer: 'IT' } });
      expect(cache.stats().expiredEntriesDropped).toBe(1);
      await cache.close();
    });

    it('with the exact (scan) index, serves exact repeats and paraphrases, with or without the caller\'s embedding', async (context) => {
      if (!db) return context.skip();
      const embedder = createBagOfWordsEmbedder();
      const cache = make({ embedder, options: { ...options, semantic: { ...options.semantic, index: 'exact' } } });
      await cache.clear();
      await cache.store({ question: 'Who signs purchase orders?', scope: scope() }, answer('Finance', []));
      for (const withEmbedding of [false, true]) {
        const ask = async (question: string) => cache.lookup({ question, scope: scope(), ...(withEmbedding ? { embedding: await embedder.embedQuery(question) } : {}) });
        expect(await ask('who signs purchase orders')).toMatchObject({ hit: true, layer: 'exact' });
        expect(await ask('Who signs the purchase orders?')).toMatchObject({ hit: true, layer: 'semantic', entry: { answer: 'Finance' } });
        expect((await ask('Who does not sign purchase orders?')).hit).toBe(false);
      }
      await cache.close();
    });

    it('rejects bad input with the field named', async (context) => {
      if (!db) return context.skip();
      const cache = make();
      await expect(cache.lookup({ question: ' ', scope: scope() })).rejects.toThrow(/question/);
      await expect(cache.lookup({ question: 'x?', scope: { ...scope(), tenant: '' } })).rejects.toThrow(/scope.tenant/);
      await expect(cache.store({ question: 'x?', scope: scope() }, { answer: 'a', citations: [], documents: [{ id: 1.5, version: 1 }] })).rejects.toThrow(/answer.documents\[0\]/);
      await expect(cache.lookup({ question: 'x?', scope: scope(), embedding: new Float32Array(3) })).rejects.toThrow(/embedding/);
    });
  });
}
