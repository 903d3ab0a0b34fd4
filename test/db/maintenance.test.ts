import { afterEach, describe, expect, it } from 'vitest';
import { maintainTables, maintenanceDue } from '../../src/db/maintenance.js';
import { openPgliteDb } from '../../src/db/pglite-driver.js';
import type { Db } from '../../src/db/types.js';
import { driverCases } from '../helpers/db-drivers.js';

describe('maintenanceDue', () => {
  it('is due for a table never analyzed once it has a page, then after 8 pages plus a tenth moved either way', () => {
    expect(maintenanceDue({ pages: 0, analyzedPages: -1 })).toBe(false);
    expect(maintenanceDue({ pages: 1, analyzedPages: -1 })).toBe(true);
    expect(maintenanceDue({ pages: 8, analyzedPages: 0 })).toBe(false);
    expect(maintenanceDue({ pages: 9, analyzedPages: 0 })).toBe(true);
    expect(maintenanceDue({ pages: 1108, analyzedPages: 1000 })).toBe(false);
    expect(maintenanceDue({ pages: 1109, analyzedPages: 1000 })).toBe(true);
    expect(maintenanceDue({ pages: 891, analyzedPages: 1000 })).toBe(true);
  });
});

const cases = await driverCases('maintenance');

describe.each(cases)('maintainTables: $name', (driver) => {
  let db: Db | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });
  const stats = async () => (await db!.query<{ pages: number; tuples: number }>("SELECT relpages AS pages, reltuples::float8 AS tuples FROM pg_class WHERE oid = 't'::regclass")).rows[0];

  it('gathers statistics and reclaims dead rows on PGlite as a table moves, and leaves a server to autovacuum', async () => {
    db = await driver.open();
    await db.exec("CREATE TABLE t (id int PRIMARY KEY, body text); CREATE TABLE quiet (id int)");
    await db.exec("INSERT INTO t SELECT i, repeat('x', 200) FROM generate_series(1, 2000) AS i");
    const first = await maintainTables(db, ['t', 'quiet']);
    if (db.kind === 'postgres') {
      expect(first).toEqual([]);
      return;
    }
    // quiet is empty: nothing to gather.
    expect(first).toEqual(['t']);
    expect(await stats()).toMatchObject({ tuples: 2000 });
    expect(await maintainTables(db, ['t'])).toEqual([]);
    // Growth past 8 pages plus a tenth moves it again (deletes alone do not: sizes do not shrink);
    // the rows deleted meanwhile are counted out.
    await db.exec("INSERT INTO t SELECT i, repeat('x', 200) FROM generate_series(2001, 2100) AS i");
    expect(await maintainTables(db, ['t'])).toEqual([]);
    await db.exec("INSERT INTO t SELECT i, repeat('x', 200) FROM generate_series(2101, 3000) AS i");
    await db.exec('DELETE FROM t WHERE id <= 1000');
    expect(await maintainTables(db, ['t'])).toEqual(['t']);
    expect(await stats()).toMatchObject({ tuples: 2000 });
    // It vacuumed, not only analyzed: new rows fill the space the deleted ones left.
    const pages = (await db.query<{ n: number }>("SELECT pg_relation_size('t')::int / 8192 AS n")).rows[0].n;
    await db.exec("INSERT INTO t SELECT i, repeat('x', 200) FROM generate_series(3001, 3900) AS i");
    expect((await db.query<{ n: number }>("SELECT pg_relation_size('t')::int / 8192 AS n")).rows[0].n).toBe(pages);
  });

  it('refuses a name that is not a plain table name, before touching the database', async () => {
    db = await driver.open();
    await expect(maintainTables(db, ['t; DROP TABLE x'])).rejects.toThrow(/not a table name/);
    await expect(maintainTables(db, ['t'], { analyzeOnly: ['t"'] })).rejects.toThrow(/not a table name/);
  });
});

describe('maintainTables on PGlite', () => {
  it('only analyzes the tables it is told to, leaving their dead rows', async () => {
    const db = await openPgliteDb({ dataDir: 'memory://' });
    try {
      const stats = async () => (await db.query<{ pages: number; tuples: number }>("SELECT relpages AS pages, reltuples::float8 AS tuples FROM pg_class WHERE oid = 't'::regclass")).rows[0];
      await db.exec("CREATE TABLE t (id int PRIMARY KEY, body text); INSERT INTO t SELECT i, repeat('x', 200) FROM generate_series(1, 2000) AS i");
      expect(await maintainTables(db, ['t'], { analyzeOnly: ['t'] })).toEqual(['t']);
      expect(await stats()).toMatchObject({ tuples: 2000 });
      await db.exec('DELETE FROM t WHERE id <= 1000');
      await db.exec("INSERT INTO t SELECT i, repeat('x', 200) FROM generate_series(2001, 3000) AS i");
      const pages = (await db.query<{ n: number }>("SELECT pg_relation_size('t')::int / 8192 AS n")).rows[0].n;
      expect(await maintainTables(db, ['t'], { analyzeOnly: ['t'] })).toEqual(['t']);
      expect(await stats()).toMatchObject({ tuples: 2000 });
      // Not vacuumed: the deleted rows' space is not reused.
      await db.exec("INSERT INTO t SELECT i, repeat('x', 200) FROM generate_series(3001, 3500) AS i");
      expect((await db.query<{ n: number }>("SELECT pg_relation_size('t')::int / 8192 AS n")).rows[0].n).toBeGreaterThan(pages);
    } finally {
      await db.close();
    }
  });
});
