import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cacheEmbedderKey, createAnswerCache, registerCacheEmbedder, scopeKey, type CacheScope } from '../../src/cache/index.js';
import type { Db } from '../../src/db/types.js';
import { vectorLiteral } from '../../src/db/vector-param.js';
import { createBagOfWordsEmbedder, openTestPglite } from './helpers.js';

describe('cache table statistics on PGlite', () => {
  it('are gathered on PGlite as the cache grows, so its planner knows how many entries a scope holds', async () => {
    const db = await openTestPglite();
    try {
      const embedder = createBagOfWordsEmbedder(48);
      const scope: CacheScope = { tenant: 'acme', answerConfigHash: 'c', promptTemplateVersion: 'p', retrievalMode: 'hybrid' };
      const key = cacheEmbedderKey(embedder);
      const row = await registerCacheEmbedder(db, key, 48, { hnsw: true });
      // 1,500 entries in one statement (the cache itself writes one entry at a time).
      const n = 1500;
      const vectors = Array.from({ length: n }, (_, i) => embedderVector(i));
      await db.query(
        `INSERT INTO cache_entries (id, tenant, scope_key, question_key, question, answer, documents, embedder_id, embedding, created_at, expires_at, last_hit_at)
         SELECT r.id, 'acme', $3, r.id::text, 'question ' || r.id, 'answer', '[]', $4, r.v::vector, now(), now() + interval '1 day', now()
         FROM unnest($1::uuid[], $2::text[]) AS r(id, v)`,
        [vectors.map(() => randomUUID()), vectors.map(vectorLiteral), scopeKey(scope, key), row.id],
      );
      const reltuples = async () => (await db.query<{ n: number }>("SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'cache_entries'::regclass")).rows[0].n;
      const cache = createAnswerCache({ db, embedder, options: { semantic: { defaultThreshold: 0.9 }, maxEntries: 100_000 } });
      const lookup = () => cache.lookup({ question: 'anything at all', scope, embedding: vectors[7] });
      // Without statistics PGlite's planner expects one entry in the scope: it would sort the
      // whole scope by distance at any size rather than walk the HNSW index.
      expect(scopeRowsEstimate(await nearestPlan(db, lookup))).toBe(1);

      await cache.store({ question: 'one more question', scope, embedding: vectors[3] }, { answer: 'a', citations: [], documents: [] });
      expect(await reltuples()).toBe(n + 1);
      expect(scopeRowsEstimate(await nearestPlan(db, lookup))).toBe(n + 1);
      await cache.close();
    } finally {
      await db.close();
    }
  });
});

/** A deterministic 48-dim unit vector per index. */
function embedderVector(i: number): Float32Array {
  let state = (i + 1) * 2654435761 >>> 0 || 1;
  const v = Float32Array.from({ length: 48 }, () => {
    state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
    return state / 2 ** 32 - 0.5;
  });
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** The planner's row estimate for the scan of the scope's entries in the nearest-entries CTE. */
function scopeRowsEstimate(plan: string): number {
  const scan = plan.split('\n').find((line) => / on cache_entries e_2 /.test(line));
  const rows = scan && /rows=(\d+)/.exec(scan);
  if (!rows) throw new Error(`no scan of cache_entries e_2 in the plan:\n${plan}`);
  return Number(rows[1]);
}

/** The plan PGlite chooses for the nearest-entries statement that `lookup` sends. */
async function nearestPlan(db: Db, lookup: () => Promise<unknown>): Promise<string> {
  let statement: { sql: string; params: unknown[] } | undefined;
  const query = db.query.bind(db);
  db.query = (async (sql: string, params?: unknown[], options?: never) => {
    if (sql.includes('nearest AS MATERIALIZED')) statement = { sql, params: params ?? [] };
    return query(sql, params, options);
  }) as Db['query'];
  try {
    await lookup();
  } finally {
    db.query = query;
  }
  if (!statement) throw new Error('the lookup sent no nearest-entries statement');
  const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement.sql}`, statement.params);
  return plan.rows.map((r) => r['QUERY PLAN']).join('\n');
}
