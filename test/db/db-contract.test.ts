import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, readMigrations, pendingMigrations } from '../../src/db/migrate.js';
import { vectorBinary, vectorLiteral, vectorParam } from '../../src/db/vector-param.js';
import type { Db } from '../../src/db/types.js';
import { driverCases } from '../helpers/db-drivers.js';

const cases = await driverCases('db_contract');

describe.each(cases)('Db contract: $name', (driver) => {
  let db: Db | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it('runs parameterized queries and returns numbers, jsonb and arrays the same way', async () => {
    db = await driver.open();
    const { rows } = await db.query<{ n: number; b: number; j: { a: number }; arr: string[]; t: string }>(
      "SELECT $1::int AS n, 9007199254740::bigint AS b, '{\"a\":1}'::jsonb AS j, ARRAY['x','y']::text[] AS arr, $2::text AS t",
      [41, "it's"],
    );
    expect(rows[0]).toEqual({ n: 41, b: 9007199254740, j: { a: 1 }, arr: ['x', 'y'], t: "it's" });
  });

  it('commits a transaction and rolls one back on error', async () => {
    db = await driver.open();
    await db.exec('CREATE TABLE t (v int)');
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES ($1)', [1]);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES ($1)', [2]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await db.query<{ v: number }>('SELECT v FROM t ORDER BY v');
    expect(rows.map((r) => r.v)).toEqual([1]);
  });

  it('applies transaction settings inside the transaction only, and refuses unsafe ones', async () => {
    db = await driver.open();
    const inside = await db.transaction(async (tx) => (await tx.query<{ w: string }>("SELECT current_setting('work_mem') AS w")).rows[0].w, { settings: { work_mem: '7MB' } });
    expect(inside).toBe('7MB');
    const after = (await db.query<{ w: string }>("SELECT current_setting('work_mem') AS w")).rows[0].w;
    expect(after).not.toBe('7MB');
    await expect(db.transaction(async () => 1, { settings: { work_mem: "1MB'; DROP TABLE x; --" } })).rejects.toThrow(/work_mem: value/);
    await expect(db.transaction(async () => 1, { settings: { 'work_mem; x': '1MB' } })).rejects.toThrow(/not a plain identifier/);
  });

  it('runs snapshot transactions read-only at REPEATABLE READ', async () => {
    db = await driver.open();
    await db.exec('CREATE TABLE t (v int)');
    const level = await db.transaction(async (tx) => (await tx.query<{ l: string }>("SELECT current_setting('transaction_isolation') AS l")).rows[0].l, { snapshot: true });
    expect(level).toBe('repeatable read');
    await expect(db.transaction((tx) => tx.query('INSERT INTO t VALUES (1)'), { snapshot: true })).rejects.toThrow(/read-only/);
  });

  it('supports savepoints inside a transaction (one bad document rolls back alone)', async () => {
    db = await driver.open();
    await db.exec('CREATE TABLE t (v int PRIMARY KEY)');
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (1)');
      await tx.query('SAVEPOINT doc');
      await expect(tx.query('INSERT INTO t VALUES (1)')).rejects.toThrow();
      await tx.query('ROLLBACK TO SAVEPOINT doc');
      await tx.query('INSERT INTO t VALUES (2)');
    });
    const { rows } = await db.query<{ v: number }>('SELECT v FROM t ORDER BY v');
    expect(rows.map((r) => r.v)).toEqual([1, 2]);
  });

  it('applies the shipped migrations, with pgvector and cosine distance ordering neighbours', async () => {
    db = await driver.open();
    const result = await migrate(db);
    expect(result.applied.length).toBe(readMigrations().length);
    expect(await pendingMigrations(db)).toEqual([]);
    const again = await migrate(db);
    expect(again.applied).toEqual([]);
    await db.exec('CREATE TABLE items (id int, embedding vector(3))');
    await db.query("INSERT INTO items VALUES (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[0.9,0.1,0]')");
    const { rows } = await db.query<{ id: number }>('SELECT id FROM items ORDER BY embedding <=> $1::vector LIMIT 3', ['[1,0,0]']);
    expect(rows.map((r) => r.id)).toEqual([1, 3, 2]);
  });

  it('takes vectors as vectorParam() gives them (binary on node-postgres), the same vectors as their text form', async () => {
    db = await driver.open();
    await migrate(db);
    // Float32 values whose decimal forms are long, tiny and large magnitudes.
    const v = Float32Array.from([0.1, -0.333333, 1e-30, -2.5e-7, 12345.678, 123.456]);
    const param = vectorParam(db.kind, v);
    expect(typeof param === 'string').toBe(db.kind === 'pglite');
    const { rows } = await db.query<{ sent: string; literal: string; same: boolean; distance: number }>(
      'SELECT $1::vector(6)::text AS sent, $2::vector(6)::text AS literal, $1::vector(6) = $2::vector(6) AS same, ($1::vector(6) <=> $2::vector(6))::float8 AS distance',
      [param, vectorLiteral(v)],
    );
    expect(rows[0]).toMatchObject({ same: true, distance: 0 });
    expect(rows[0].sent).toBe(rows[0].literal);
    const parsed = JSON.parse(rows[0].sent) as number[];
    parsed.forEach((x, i) => expect(Math.fround(x)).toBe(v[i]));
    // A vector of the wrong length is refused by the server, whatever the form.
    await expect(db.query('SELECT $1::vector(4)', [vectorParam(db.kind, new Float32Array([1, 2, 3]))])).rejects.toThrow(/expected 4 dimensions, not 3/);
  });

  it('refuses to start when an applied migration was edited', async () => {
    db = await driver.open();
    const dir = mkdtempSync(join(tmpdir(), 'gw-mig-'));
    writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE a (v int);');
    await migrate(db, readMigrations(dir));
    writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE a (v bigint);');
    await expect(migrate(db, readMigrations(dir))).rejects.toThrow(/0001_a\.sql was edited after it was applied/);
  });

  it('rolls a failing migration back whole, leaving the schema as it was', async () => {
    db = await driver.open();
    const dir = mkdtempSync(join(tmpdir(), 'gw-mig-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '0001_ok.sql'), 'CREATE TABLE ok (v int);');
    writeFileSync(join(dir, '0002_bad.sql'), 'CREATE TABLE half (v int);\nSELECT no_such_function();');
    await expect(migrate(db, readMigrations(dir))).rejects.toThrow(/0002_bad\.sql failed and was rolled back/);
    const { rows } = await db.query<{ half: string | null; ok: string | null }>("SELECT to_regclass('half')::text AS half, to_regclass('ok')::text AS ok");
    expect(rows[0]).toEqual({ half: null, ok: 'ok' });
    const applied = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(applied.rows.map((r) => r.name)).toEqual(['0001_ok.sql']);
  });
});

describe('vectorBinary', () => {
  it('refuses a vector longer than the binary form can count, naming its length', () => {
    expect(() => vectorBinary(new Float32Array(70_000))).toThrow(/70000 elements/);
    expect(vectorBinary(Float32Array.from([1, -2])).toString('hex')).toBe('000200003f800000c0000000');
  });
});
