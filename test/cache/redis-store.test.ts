import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/types.js';
import { createAnswerCache, createRedisCacheStore, type CacheScope, type CacheStore } from '../../src/cache/index.js';
import { openTestPglite, putDocument } from './helpers.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const scope: CacheScope = { tenant: 'acme', answerConfigHash: 'c', promptTemplateVersion: 'p', retrievalMode: 'sparse' };

describe('Redis exact layer', () => {
  let db: Db;
  let store: CacheStore | undefined;
  beforeAll(async () => {
    db = await openTestPglite();
    store = await createRedisCacheStore({ url: REDIS_URL, prefix: `gw:test:${randomUUID()}:` }).catch(() => undefined);
  });
  afterAll(async () => {
    await store?.clear();
    await store?.close?.();
    await db.close();
  });

  it('serves exact hits from Redis, and never a copy whose document changed or whose row was cleared', async (context) => {
    if (!store) return context.skip();
    const cache = createAnswerCache({ db, exactStore: store });
    const doc = await putDocument(db, 'acme', 'faq.md');
    const entry = await cache.store({ question: 'Where is the wiki?', scope }, { answer: 'Confluence', citations: [], documents: [doc] });
    expect(await store.getExact(entry)).toMatchObject({ id: entry.id, answer: 'Confluence' });
    expect(await cache.lookup({ question: 'where is the wiki', scope })).toMatchObject({ hit: true, layer: 'exact' });

    await putDocument(db, 'acme', 'faq.md');
    expect((await cache.lookup({ question: 'Where is the wiki?', scope })).hit).toBe(false);
    expect(await store.getExact(entry)).toBeUndefined();

    const second = await cache.store({ question: 'Who owns billing?', scope }, { answer: 'Finance', citations: [], documents: [] });
    await db.query('DELETE FROM cache_entries'); // e.g. `groundwork cache clear` run without Redis access
    expect((await cache.lookup({ question: 'Who owns billing?', scope })).hit).toBe(false);
    expect(await store.getExact(second)).toBeUndefined();
  });

  it('purges by document and clears by tenant', async (context) => {
    if (!store) return context.skip();
    const cache = createAnswerCache({ db, exactStore: store });
    const doc = await putDocument(db, 'acme', 'pricing.md');
    const a = await cache.store({ question: 'What does Pro cost?', scope }, { answer: '$49', citations: [], documents: [doc] });
    const b = await cache.store({ question: 'What does Team cost?', scope: { ...scope, tenant: 'globex' } }, { answer: '$99', citations: [], documents: [] });
    expect(await store.removeByDocuments('acme', [doc.id])).toBe(1);
    expect(await store.getExact(a)).toBeUndefined();
    expect(await store.clear('globex')).toBe(1);
    expect(await store.getExact(b)).toBeUndefined();
  });
});
