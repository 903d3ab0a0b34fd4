import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, pendingMigrations, readMigrations } from '../../src/db/migrate.js';
import { DEFAULT_PGLITE_SHARED_BUFFERS, openPgliteDb } from '../../src/db/pglite-driver.js';
import type { Db, Queryable } from '../../src/db/types.js';
import { createLazyTiktokenCounter } from '../../src/generate/lazy-tiktoken-counter.js';
import { createTiktokenCounter } from '../../src/generate/tiktoken-counter.js';

/** The db, counting the statements sent through it. */
function counting(db: Db): { db: Db; calls: { query: string[]; exec: string[] } } {
  const calls = { query: [] as string[], exec: [] as string[] };
  const wrap = (target: Queryable): Queryable => ({
    query: (sql, params, options) => {
      calls.query.push(sql);
      return target.query(sql, params, options);
    },
    exec: (sql) => {
      calls.exec.push(sql);
      return target.exec(sql);
    },
  });
  return { db: { ...db, ...wrap(db), transaction: (fn, options) => db.transaction((tx) => fn(wrap(tx)), options) }, calls };
}

describe('the embedded store opens small', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPgliteDb({});
  });
  afterAll(async () => db?.close());

  it(`runs with shared_buffers ${DEFAULT_PGLITE_SHARED_BUFFERS}, not PostgreSQL's 128MB, on 1 MB WAL segments with the default WAL limits`, async () => {
    const { rows } = await db.query<Record<string, string>>(
      "SELECT current_setting('shared_buffers') AS shared_buffers, current_setting('wal_segment_size') AS segment, current_setting('max_wal_size') AS max_wal, current_setting('min_wal_size') AS min_wal",
    );
    expect(rows[0]).toEqual({ shared_buffers: DEFAULT_PGLITE_SHARED_BUFFERS, segment: '1MB', max_wal: '1GB', min_wal: '80MB' });
  });

  it('migrates a new store, then checks a current one with two reads and no write', async () => {
    const migrations = readMigrations();
    const first = await migrate(db, migrations);
    expect(first.applied).toEqual(migrations.map((m) => m.name));
    const { db: counted, calls } = counting(db);
    const again = await migrate(counted, migrations);
    expect(again).toEqual({ applied: [], alreadyApplied: migrations.map((m) => m.name) });
    expect(calls.exec).toEqual([]);
    expect(calls.query).toHaveLength(2);
    expect(await pendingMigrations(db, migrations)).toEqual([]);
  });

  it('still refuses an applied migration that was edited, on the cheap path', async () => {
    const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
    await expect(migrate(db, edited)).rejects.toThrow(/was edited after it was applied/);
  });

  it('refuses a shared_buffers value it cannot pass on the command line', async () => {
    await expect(openPgliteDb({ sharedBuffers: '32MB; DROP' })).rejects.toThrow(TypeError);
  });
});

describe('createLazyTiktokenCounter', () => {
  it('loads the ranks at the first count, and counts as the eager counter does', () => {
    const lazy = createLazyTiktokenCounter('o200k_base');
    const eager = createTiktokenCounter('o200k_base');
    expect(lazy.loaded).toBe(false);
    expect(lazy.name).toBe(eager.name);
    const text = 'Unused budget does not roll over. Learning budget: EUR 1,500 per year.';
    expect(lazy.count(text)).toBe(eager.count(text));
    expect(lazy.loaded).toBe(true);
    lazy.free();
    eager.free();
    expect(lazy.loaded).toBe(false);
  });
});
