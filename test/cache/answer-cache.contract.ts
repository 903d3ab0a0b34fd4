import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/types.js';
import { createAnswerCache, type AnswerCacheInit, type CacheAnswer, type CacheScope } from '../../src/cache/index.js';
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
      clock += 2_000;
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
