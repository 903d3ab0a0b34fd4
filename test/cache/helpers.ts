import { createHash } from 'node:crypto';
import pg from 'pg';
import { migrate, openPgDb, openPgliteDb, readMigrations } from '../../src/db/index.js';
import type { Db } from '../../src/db/types.js';
import type { Embedder } from '../../src/models/types.js';

/** Only the migrations the cache needs, so others' work in progress cannot break these tests. */
export const CACHE_MIGRATIONS = ['0001_init.sql', '0004_cache.sql', '0007_cache_hits.sql'];

/** Deterministic hashed bag-of-words embedder (test only): stems nothing, lowercases, hashes words into buckets. */
export function createBagOfWordsEmbedder(dimensions = 64): Embedder & { calls: string[] } {
  const calls: string[] = [];
  const embed = (text: string): Float32Array => {
    const vector = new Float32Array(dimensions);
    for (const word of text.toLowerCase().match(/[a-z0-9']+/g) ?? []) {
      const digest = createHash('sha256').update(word).digest();
      vector[digest.readUInt32BE(0) % dimensions] += digest[4] & 1 ? 1 : -1;
    }
    const norm = Math.hypot(...vector) || 1;
    return vector.map((v) => v / norm);
  };
  return {
    id: 'test:bag-of-words',
    revision: `d${dimensions}`,
    dimensions,
    maxInputTokens: 512,
    maxBatchSize: 64,
    calls,
    async embedDocuments(texts) {
      return texts.map(embed);
    },
    async embedQuery(text) {
      calls.push(text);
      return embed(text);
    },
  };
}

/** A migrated in-memory PGlite. */
export async function openTestPglite(): Promise<Db> {
  const db = await openPgliteDb({});
  await migrate(db, readMigrations().filter((m) => CACHE_MIGRATIONS.includes(m.name)));
  return db;
}

/** Base URL of the local PostgreSQL (trust auth), when reachable. */
export const PG_BASE_URL = process.env.GW_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** Creates (or empties) a dedicated database and returns its URL, or undefined when PostgreSQL is unreachable. */
export async function freshPostgresDatabase(name: string): Promise<string | undefined> {
  const admin = new pg.Client({ connectionString: `${PG_BASE_URL}/postgres`, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  try {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = `${PG_BASE_URL}/${name}`;
  const db = await openPgDb({ connectionString: url });
  try {
    await migrate(db, readMigrations().filter((m) => CACHE_MIGRATIONS.includes(m.name)));
  } finally {
    await db.close();
  }
  return url;
}

/** Inserts (or bumps) a document row and returns {id, version}. */
export async function putDocument(db: Db, tenant: string, externalId: string): Promise<{ id: number; version: number }> {
  const rows = await db.query<{ id: number; version: number }>(
    `INSERT INTO documents (tenant, external_id, source, content_hash, config_hash) VALUES ($1, $2, $2, 'h', 'c')
     ON CONFLICT (tenant, external_id) DO UPDATE SET version = documents.version + 1, updated_at = now()
     RETURNING id::int AS id, version`,
    [tenant, externalId],
  );
  return rows.rows[0];
}
