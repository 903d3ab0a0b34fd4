import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresCacheStore } from '../../src/cache/index.js';
import { migrate, openPgDb, openPgliteDb, readMigrations } from '../../src/db/index.js';
import type { Db } from '../../src/db/types.js';
import { freshTestDatabase, postgresReachable } from '../helpers/postgres.js';
import { CACHE_MIGRATIONS } from './helpers.js';

// A cache written under 0004, which counted hits in cache_entries, keeps its counts through 0007:
// they move to cache_entry_hits and are reported once, not twice.
const before = readMigrations().filter((m) => CACHE_MIGRATIONS.includes(m.name) && m.name < '0007');
const cases: Array<{ name: string; open: () => Promise<Db> }> = [{ name: 'PGlite', open: () => openPgliteDb({}) }];
if (await postgresReachable()) cases.push({ name: 'PostgreSQL', open: async () => openPgDb({ connectionString: await freshTestDatabase('migration_0007_cache_hits') }) });

describe.each(cases)('migration 0007 (cache hits) on $name', ({ open }) => {
  let db: Db;
  const hit = { id: randomUUID(), tenant: 'acme', scopeKey: 's', questionKey: 'q-hit' };
  const unhit = { id: randomUUID(), tenant: 'acme', scopeKey: 's', questionKey: 'q-unhit' };
  const created = new Date('2025-01-01T00:00:00Z');
  const lastHit = new Date('2025-01-02T00:00:00Z');
  beforeAll(async () => {
    db = await open();
    expect((await migrate(db, before)).applied).toEqual(['0001_init.sql', '0004_cache.sql']);
    for (const [entry, hits, at] of [[hit, 3, lastHit], [unhit, 0, created]] as const) {
      await db.query(
        `INSERT INTO cache_entries (id, tenant, scope_key, question_key, question, answer, created_at, expires_at, last_hit_at, hit_count)
         VALUES ($1, $2, $3, $4, 'question', 'answer', $5, $6, $7, $8)`,
        [entry.id, entry.tenant, entry.scopeKey, entry.questionKey, created, new Date('2099-01-01T00:00:00Z'), at, hits],
      );
    }
    expect((await migrate(db, readMigrations().filter((m) => CACHE_MIGRATIONS.includes(m.name)))).applied).toEqual(['0007_cache_hits.sql']);
  });
  afterAll(async () => db?.close());

  it('carries the counts over once: the store reads 3, and the entry row no longer holds them', async () => {
    const store = createPostgresCacheStore(db);
    expect(await store.getExact(hit)).toMatchObject({ id: hit.id, hitCount: 3, lastHitAt: lastHit });
    expect(await store.getExact(unhit)).toMatchObject({ id: unhit.id, hitCount: 0, lastHitAt: created });
    const rows = await db.query<{ id: string; hit_count: number }>('SELECT entry_id::text AS id, hit_count FROM cache_entry_hits');
    expect(rows.rows).toEqual([{ id: hit.id, hit_count: 3 }]);
    const entry = await db.query<{ hit_count: number }>('SELECT hit_count FROM cache_entries WHERE id = $1::uuid', [hit.id]);
    expect(entry.rows[0].hit_count).toBe(0);
  });

  it('adds later hits to the carried count', async () => {
    const store = createPostgresCacheStore(db);
    const at = new Date('2025-01-03T00:00:00Z');
    await store.recordHits([{ tenant: 'acme', id: hit.id, hits: 2, lastHitAt: at }, { tenant: 'acme', id: unhit.id, hits: 1, lastHitAt: at }]);
    expect(await store.getExact(hit)).toMatchObject({ hitCount: 5, lastHitAt: at });
    expect(await store.getExact(unhit)).toMatchObject({ hitCount: 1, lastHitAt: at });
  });
});
