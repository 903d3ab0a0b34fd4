import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CacheEntry, CacheStore, DocumentRef } from '../../../src/cache/types.js';

/** What a suite run needs from its test file: the store, and documents its entries may cite. */
export interface CacheStoreFixture {
  store: CacheStore;
  /** A document of the tenant, at a version (a row where the store checks them; any id elsewhere). */
  document(tenant: string, externalId: string): Promise<DocumentRef>;
}

const HOUR_MS = 3_600_000;

/** A fresh entry; questionKey and id unique unless given. */
export function cacheEntry(tenant: string, extra: Partial<CacheEntry> = {}): CacheEntry {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  return {
    id: randomUUID(),
    tenant,
    scopeKey: 'scope-1',
    questionKey: `q-${randomUUID()}`,
    question: 'Where is the wiki?',
    answer: 'In Confluence [1].',
    citations: [{ label: 1, documentId: 1, quote: 'the wiki is in Confluence' }],
    documents: [],
    metadata: { model: 'extractive', requestId: 'r-1' },
    createdAt: now,
    expiresAt: new Date(now.getTime() + HOUR_MS),
    lastHitAt: now,
    hitCount: 0,
    ...extra,
  };
}

/**
 * The CacheStore contract (the exact layer): every store must keep entries per (tenant, scope,
 * question) key, return them as stored (freshness is the answer cache's to judge), and remove them
 * by id, by document and by tenant without touching another tenant's. `fixture` is read inside the
 * tests; each test uses its own tenants.
 */
export function cacheStoreContract(label: string, fixture: () => CacheStoreFixture): void {
  describe(`cache store contract: ${label}`, () => {
    const tenant = (): string => `t${randomUUID().slice(0, 8)}`;

    it('returns an entry as it was put, under its exact key only', async () => {
      const { store, document } = fixture();
      const t = tenant();
      const doc = await document(t, 'faq.md');
      const entry = cacheEntry(t, { documents: [doc] });
      await store.put(entry);
      const got = await store.getExact(entry);
      expect(got).toMatchObject({
        id: entry.id, tenant: t, scopeKey: entry.scopeKey, questionKey: entry.questionKey, question: entry.question,
        answer: entry.answer, citations: entry.citations, documents: [doc], metadata: entry.metadata,
      });
      expect(got!.createdAt).toBeInstanceOf(Date);
      expect(got!.createdAt.getTime()).toBe(entry.createdAt.getTime());
      expect(got!.expiresAt.getTime()).toBe(entry.expiresAt.getTime());
      expect(await store.getExact({ ...entry, questionKey: 'another question' })).toBeUndefined();
      expect(await store.getExact({ ...entry, scopeKey: 'another scope' })).toBeUndefined();
    });

    it('keeps tenants apart: the same key in another tenant is another entry', async () => {
      const { store } = fixture();
      const [a, b] = [tenant(), tenant()];
      const entryA = cacheEntry(a, { answer: 'A' });
      await store.put(entryA);
      expect(await store.getExact({ ...entryA, tenant: b })).toBeUndefined();
      const entryB = cacheEntry(b, { questionKey: entryA.questionKey, answer: 'B' });
      await store.put(entryB);
      expect((await store.getExact(entryA))?.answer).toBe('A');
      expect((await store.getExact(entryB))?.answer).toBe('B');
      expect(await store.remove(b, [entryA.id])).toBe(0);
      expect(await store.getExact(entryA)).toBeDefined();
    });

    it('replaces the entry of a key put again', async () => {
      const { store } = fixture();
      const t = tenant();
      const first = cacheEntry(t, { answer: 'old' });
      await store.put(first);
      const second = cacheEntry(t, { questionKey: first.questionKey, answer: 'new' });
      await store.put(second);
      expect(await store.getExact(first)).toMatchObject({ id: second.id, answer: 'new' });
    });

    it('removes by id and counts what it removed', async () => {
      const { store } = fixture();
      const t = tenant();
      const [x, y] = [cacheEntry(t), cacheEntry(t)];
      await store.put(x);
      await store.put(y);
      expect(await store.remove(t, [])).toBe(0);
      expect(await store.remove(t, [x.id, randomUUID()])).toBe(1);
      expect(await store.getExact(x)).toBeUndefined();
      expect(await store.getExact(y)).toBeDefined();
    });

    it('removes the entries that used a document, and only those', async () => {
      const { store, document } = fixture();
      const t = tenant();
      const [pricing, faq] = [await document(t, 'pricing.md'), await document(t, 'faq.md')];
      const usesPricing = cacheEntry(t, { documents: [pricing] });
      const usesBoth = cacheEntry(t, { documents: [faq, pricing] });
      const usesFaq = cacheEntry(t, { documents: [faq] });
      for (const e of [usesPricing, usesBoth, usesFaq]) await store.put(e);
      expect(await store.removeByDocuments(t, [pricing.id])).toBe(2);
      expect(await store.getExact(usesPricing)).toBeUndefined();
      expect(await store.getExact(usesBoth)).toBeUndefined();
      expect(await store.getExact(usesFaq)).toBeDefined();
      expect(await store.removeByDocuments(t, [])).toBe(0);
    });

    it('clears one tenant, leaving the others', async () => {
      const { store } = fixture();
      const [a, b] = [tenant(), tenant()];
      const [a1, a2, b1] = [cacheEntry(a), cacheEntry(a), cacheEntry(b)];
      for (const e of [a1, a2, b1]) await store.put(e);
      expect(await store.clear(a)).toBe(2);
      expect(await store.getExact(a1)).toBeUndefined();
      expect(await store.getExact(a2)).toBeUndefined();
      expect(await store.getExact(b1)).toBeDefined();
      expect(await store.clear(a)).toBe(0);
    });

    it('clears every tenant when no tenant is named', async () => {
      const { store } = fixture();
      const [a, b] = [cacheEntry(tenant()), cacheEntry(tenant())];
      await store.put(a);
      await store.put(b);
      expect(await store.clear()).toBeGreaterThanOrEqual(2);
      expect(await store.getExact(a)).toBeUndefined();
      expect(await store.getExact(b)).toBeUndefined();
    });
  });
}
