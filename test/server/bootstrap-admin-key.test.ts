import { afterEach, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/types.js';
import { bootstrapAdminKey, createApiKey, findApiKey, listApiKeys, revokeApiKey } from '../../src/server/api-keys.js';
import { openPgDb } from '../../src/db/pg-driver.js';
import { driverCases } from '../helpers/db-drivers.js';
import { freshTestDatabase, postgresReachable } from '../helpers/postgres.js';

/** Only the migrations the keys need, so others' work in progress cannot break these tests. */
const KEY_MIGRATIONS = ['0002_service.sql', '0009_api_key_admin.sql'];
const cases = await driverCases('bootstrap_admin_key');

describe.each(cases)('the first-run admin key on $name', ({ open }) => {
  const opened: Db[] = [];
  const fresh = async (): Promise<Db> => {
    const db = await open();
    opened.push(db);
    await migrate(db, readMigrations().filter((m) => KEY_MIGRATIONS.includes(m.name)));
    return db;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });

  it('is made once for a store with no active key, and never again, even after it is revoked', async () => {
    const db = await fresh();
    const first = await bootstrapAdminKey(db, 'default');
    expect(first).toMatchObject({ tenant: 'default', admin: true, revokedAt: null });
    expect(await findApiKey(db, first!.secret)).toMatchObject({ id: first!.id, admin: true });
    expect(await bootstrapAdminKey(db, 'default')).toBeUndefined();
    await revokeApiKey(db, first!.id);
    expect(await bootstrapAdminKey(db, 'default')).toBeUndefined();
    expect(await listApiKeys(db)).toHaveLength(1);
  });

  it('is not made where an active key exists', async () => {
    const db = await fresh();
    await createApiKey(db, 'acme');
    expect(await bootstrapAdminKey(db, 'default')).toBeUndefined();
  });
});

describe.runIf(await postgresReachable())('the first-run admin key on PostgreSQL, servers starting together', () => {
  it('is made once', async () => {
    const url = await freshTestDatabase(`bootstrap_admin_key_race_${process.pid}`);
    const pools = await Promise.all([0, 1, 2].map(() => openPgDb({ connectionString: url })));
    try {
      await migrate(pools[0], readMigrations().filter((m) => KEY_MIGRATIONS.includes(m.name)));
      const made = await Promise.all(pools.map((db) => bootstrapAdminKey(db, 'default')));
      expect(made.filter(Boolean)).toHaveLength(1);
      expect(await listApiKeys(pools[0])).toHaveLength(1);
    } finally {
      await Promise.all(pools.map((db) => db.close()));
    }
  });
});
