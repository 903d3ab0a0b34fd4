import { Redis } from 'ioredis';
import { GroundworkError } from '../../errors.js';
import type { CacheEntry, CacheStore, ExactKey } from '../types.js';

/** Redis store options. */
export interface RedisCacheStoreOptions {
  url: string;
  /** Key prefix, so several deployments (or test runs) can share one Redis. */
  prefix?: string;
}

/** Default key prefix. */
export const DEFAULT_REDIS_PREFIX = 'gw:cache:';

/**
 * The exact layer in Redis: one JSON value per (tenant, scope, question) with the entry's TTL,
 * plus a set per document and per tenant so purges and clears find their keys. Redis holds
 * copies; the answer cache confirms each Redis hit against PostgreSQL (row present, documents
 * current) before serving it.
 */
export async function createRedisCacheStore(options: RedisCacheStoreOptions): Promise<CacheStore> {
  const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
  const redis = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
  redis.on('error', () => {
    // Connection errors surface on the next command as rejections; the listener keeps them off stderr.
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new GroundworkError('UNAVAILABLE', `cannot connect to Redis at ${safeRedisUrl(options.url)}: ${(error as Error).message}`, { cause: error });
  }
  const entryKey = (k: ExactKey): string => `${prefix}e:${k.tenant}:${k.scopeKey}:${k.questionKey}`;
  const documentKey = (tenant: string, id: number): string => `${prefix}d:${tenant}:${id}`;
  const tenantKey = (tenant: string): string => `${prefix}t:${tenant}`;
  const idKey = (tenant: string, id: string): string => `${prefix}i:${tenant}:${id}`;
  const deleteKeys = async (keys: string[]): Promise<number> => (keys.length === 0 ? 0 : redis.del(...keys));
  return {
    kind: 'redis',
    async getExact(key) {
      const text = await redis.get(entryKey(key));
      return text === null ? undefined : reviveEntry(text);
    },
    async put(entry) {
      const key = entryKey(entry);
      const ttlMs = Math.max(1, entry.expiresAt.getTime() - Date.now());
      const multi = redis.multi().set(key, JSON.stringify(entry), 'PX', ttlMs).set(idKey(entry.tenant, entry.id), key, 'PX', ttlMs).sadd(tenantKey(entry.tenant), key);
      for (const document of entry.documents) multi.sadd(documentKey(entry.tenant, document.id), key);
      await multi.exec();
    },
    async remove(tenant, ids) {
      if (ids.length === 0) return 0;
      const keys = (await redis.mget(...ids.map((id) => idKey(tenant, id)))).filter((k): k is string => k !== null);
      await deleteKeys(ids.map((id) => idKey(tenant, id)));
      return deleteKeys(keys);
    },
    async removeByDocuments(tenant, documentIds) {
      let removed = 0;
      for (const id of documentIds) {
        const setKey = documentKey(tenant, id);
        removed += await deleteKeys(await redis.smembers(setKey));
        await redis.del(setKey);
      }
      return removed;
    },
    async clear(tenant) {
      if (tenant !== undefined) {
        const removed = await deleteKeys(await redis.smembers(tenantKey(tenant)));
        await redis.del(tenantKey(tenant));
        return removed;
      }
      let removed = 0;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        removed += keys.filter((k) => k.startsWith(`${prefix}e:`)).length;
        await deleteKeys(keys);
      } while (cursor !== '0');
      return removed;
    },
    async close() {
      await redis.quit();
    },
  };
}

function reviveEntry(text: string): CacheEntry {
  const raw = JSON.parse(text) as CacheEntry & { createdAt: string; expiresAt: string; lastHitAt: string };
  return { ...raw, createdAt: new Date(raw.createdAt), expiresAt: new Date(raw.expiresAt), lastHitAt: new Date(raw.lastHitAt) };
}

/** redis://host:port/db without credentials, for messages. */
export function safeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}:${parsed.port || 6379}${parsed.pathname}`;
  } catch {
    return '(unparseable REDIS_URL)';
  }
}
