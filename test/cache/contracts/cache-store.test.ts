import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import { createPostgresCacheStore } from '../../../src/cache/stores/postgres-cache-store.js';
import { createRedisCacheStore } from '../../../src/cache/stores/redis-cache-store.js';
import type { CacheStore } from '../../../src/cache/types.js';
import { openPgDb } from '../../../src/db/pg-driver.js';
import type { Db } from '../../../src/db/types.js';
import { freshPostgresDatabase, openTestPglite, putDocument } from '../helpers.js';
import { cacheStoreContract, type CacheStoreFixture } from './cache-store.contract.js';

// Every CacheStore: the SQL store on PGlite and on PostgreSQL, and Redis (127.0.0.1:6379, or
// REDIS_URL). PostgreSQL and Redis are skipped when unreachable here, and required in CI.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function reachableRedis(): Promise<CacheStore | undefined> {
  try {
    return await createRedisCacheStore({ url: REDIS_URL, prefix: `gw:contract:${randomUUID()}:` });
  } catch (error) {
    if (process.env.CI) throw error;
    return undefined;
  }
}

const pgUrl = await freshPostgresDatabase(`gw_test_cache_store_contract_${process.pid}`);
if (!pgUrl && process.env.CI) throw new Error('CI needs PostgreSQL for the cache store contract');
const redis = await reachableRedis();

describe('SQL cache store on PGlite', () => {
  let db: Db;
  let store: CacheStore;
  beforeAll(async () => {
    db = await openTestPglite();
    store = createPostgresCacheStore(db);
  });
  afterAll(async () => db?.close());
  cacheStoreContract('SQL on PGlite', (): CacheStoreFixture => ({ store, document: (tenant, externalId) => putDocument(db, tenant, externalId) }));
});

describe.runIf(pgUrl !== undefined)('SQL cache store on PostgreSQL', () => {
  let db: Db;
  let store: CacheStore;
  beforeAll(async () => {
    db = await openPgDb({ connectionString: pgUrl! });
    store = createPostgresCacheStore(db);
  });
  afterAll(async () => db?.close());
  cacheStoreContract('SQL on PostgreSQL', (): CacheStoreFixture => ({ store, document: (tenant, externalId) => putDocument(db, tenant, externalId) }));
});

describe.runIf(redis !== undefined)('Redis cache store', () => {
  afterAll(async () => {
    await redis?.clear();
    await redis?.close?.();
  });
  // Redis holds copies keyed by document id; it keeps no document rows, so any ids serve.
  let nextDocument = 1;
  cacheStoreContract('Redis', (): CacheStoreFixture => ({ store: redis!, document: async () => ({ id: nextDocument++, version: 1 }) }));
});
