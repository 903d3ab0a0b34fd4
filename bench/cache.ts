// Answer-cache benchmark: hit-path latency at 1k/10k/100k entries (query embedding excluded:
// random 384-dim unit vectors), and guard figures on the held-out pair set.
// Run: node --import tsx bench/cache.ts [--sizes 1000,10000,100000] [--lookups 2000] [--warmup 200]
//        [--ef-search 16] [--backend postgres|pglite] [--model ID] [--models-dir DIR] [--no-latency]
// --backend postgres (default) needs PostgreSQL with pgvector at GW_BENCH_PG_URL (default
// postgres://postgres@127.0.0.1:5432); --backend pglite measures the embedded default store, in
// memory (sizes default to 1000,10000).
// With an embedding model installed (the configured one, or --model; local models are looked up as
// `groundwork` does), it also reports end-to-end precision, recall and hit rate per threshold on the
// held-out pairs, guards applied. Prints one JSON document.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { CACHE_HNSW_BUILD, calibrate, cacheEmbedderKey, cacheHnswIndexName, createAnswerCache, DEFAULT_HNSW_EF_SEARCH, parseCachePairs, questionKey, registerCacheEmbedder, scopeKey, type CacheScope } from '../src/cache/index.js';
import { loadConfig } from '../src/config/load-config.js';
import { migrate, modelsDirFromConfig, openPgDb, openPgliteDb, readMigrations } from '../src/db/index.js';
import { createEmbedderFromOptions } from '../src/models/create-embedder-from-options.js';
import { benchDatabase } from './bench-database.js';
import type { Embedder } from '../src/models/types.js';

const DIMS = 384;
const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1]]));
const backend = args.get('--backend') ?? 'postgres';
if (backend !== 'postgres' && backend !== 'pglite') throw new Error(`--backend: expected postgres or pglite, got ${backend}`);
const sizes = (args.get('--sizes') ?? (backend === 'pglite' ? '1000,10000' : '1000,10000,100000')).split(',').map(Number);
const lookups = Number(args.get('--lookups') ?? 2000);
// Untimed lookups first at each size: the driver's and the cache's code gets optimized by V8 (with
// 20, the slowest lookups of a run clustered in its first second).
const warmup = Number(args.get('--warmup') ?? 200);
const efSearch = Number(args.get('--ef-search') ?? DEFAULT_HNSW_EF_SEARCH);
const latency = !args.has('--no-latency');
const base = process.env.GW_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

function randomUnit(): Float32Array {
  const v = new Float32Array(DIMS);
  for (let i = 0; i < DIMS; i += 2) {
    const u = Math.random() || 1e-12;
    const r = Math.sqrt(-2 * Math.log(u));
    v[i] = r * Math.cos(2 * Math.PI * Math.random());
    if (i + 1 < DIMS) v[i + 1] = r * Math.sin(2 * Math.PI * Math.random());
  }
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
const nudge = (v: Float32Array): Float32Array => {
  const noise = randomUnit();
  const out = v.map((x, i) => x + 0.05 * noise[i]);
  const n = Math.hypot(...out);
  return out.map((x) => x / n);
};
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 1000) / 1000;
};

// The bench never embeds text: every lookup passes its vector. This embedder only names the model.
const namedEmbedder: Embedder = {
  id: 'bench:random-unit', revision: 'r1', dimensions: DIMS, maxInputTokens: 512, maxBatchSize: 1,
  async embedDocuments() { throw new Error('bench passes vectors'); },
  async embedQuery() { throw new Error('bench passes vectors'); },
};

/** A fresh PostgreSQL database whose connections build HNSW indexes with 512 MB. */
async function openBenchPostgres() {
  const url = await benchDatabase('gw_cache_bench', { admin: `${base}/postgres` });
  const setup = new pg.Client(url);
  await setup.connect();
  await setup.query("ALTER DATABASE gw_cache_bench SET maintenance_work_mem = '512MB'");
  await setup.end();
  return openPgDb({ connectionString: url });
}

async function measureLatency() {
  const db = backend === 'pglite' ? await openPgliteDb({ dataDir: 'memory://' }) : await openBenchPostgres();
  // For the HNSW builds (PGlite has one connection; the server's pool gets it from the database).
  if (backend === 'pglite') await db.exec("SET maintenance_work_mem = '256MB'");
  await migrate(db, readMigrations().filter((m) => ['0001_init.sql', '0004_cache.sql', '0007_cache_hits.sql'].includes(m.name)));
  const scope: CacheScope = { tenant: 'bench', answerConfigHash: 'c', promptTemplateVersion: 'p', retrievalMode: 'hybrid' };
  const key = cacheEmbedderKey(namedEmbedder);
  const row = await registerCacheEmbedder(db, key, DIMS, { hnsw: true });
  const sk = scopeKey(scope, key);
  const doc = (await db.query<{ id: number }>("INSERT INTO documents (tenant, external_id, source, content_hash, config_hash) VALUES ('bench', 'd', 'd', 'h', 'c') RETURNING id::int AS id")).rows[0].id;
  const cache = createAnswerCache({ db, embedder: namedEmbedder, options: { semantic: { defaultThreshold: 0.9, efSearch }, maxEntries: 1_000_000 } });
  // Stored vectors live in one flat array and questions are made from their index: 100k separate
  // objects (~160 MB) in this process's own heap made its full collections pause the lookups
  // being timed (1-6 ms pauses measured), which is the harness, not the cache.
  const vectors = new Float32Array(Math.max(...sizes) * DIMS);
  const question = (i: number): string => `What is the policy for case ${i} in region ${i % 97}?`;
  const vectorOf = (i: number): Float32Array => vectors.subarray(i * DIMS, (i + 1) * DIMS);
  let storedCount = 0;
  const results = [];
  for (const size of sizes) {
    const loadStart = performance.now();
    // Bulk load without the index, then build it (as a re-ingest-sized load would); lookups use it.
    await db.exec(`DROP INDEX IF EXISTS ${cacheHnswIndexName(row.id, DIMS, db.kind)}`);
    for (let start = storedCount; start < size; start += 500) {
      const n = Math.min(500, size - start);
      const ids: string[] = [], qs: string[] = [], qks: string[] = [], vs: string[] = [];
      for (let i = 0; i < n; i += 1) {
        const q = question(start + i);
        const v = randomUnit();
        vectors.set(v, (start + i) * DIMS);
        ids.push(randomUUID()); qs.push(q); qks.push(questionKey(q)); vs.push(`[${Array.from(v).join(',')}]`);
      }
      await db.query(
        `WITH r AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS r(id, q, qk, v))
         INSERT INTO cache_entries (id, tenant, scope_key, question_key, question, answer, documents, embedder_id, embedding, created_at, expires_at, last_hit_at)
         SELECT r.id, 'bench', $5, r.qk, r.q, 'answer', $6::jsonb, $7, r.v::vector, now(), now() + interval '1 day', now() FROM r`,
        [ids, qs, qks, vs, sk, JSON.stringify([{ id: doc, version: 1 }]), row.id],
      );
      await db.query(
        'INSERT INTO cache_entry_documents (entry_id, tenant, document_id, document_version) SELECT id, $2, $3, 1 FROM unnest($1::uuid[]) AS id',
        [ids, 'bench', doc],
      );
      storedCount = start + n;
    }
    await registerCacheEmbedder(db, key, DIMS, { hnsw: true });
    // Measure the steady state, not the bulk load's aftermath: autovacuum would otherwise visit the
    // 100k new rows (and scan the HNSW index) during the lookups, and the checkpointer write out
    // the load's dirty pages.
    await db.exec('VACUUM (ANALYZE) cache_entries');
    await db.exec('VACUUM (ANALYZE) cache_entry_documents');
    const checkpointed = await db.exec('CHECKPOINT').then(() => true, () => false);
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const semantic: number[] = [];
    const exact: number[] = [];
    let semanticHits = 0;
    let semanticOriginal = 0;
    let exactHits = 0;
    for (let i = 0; i < lookups + warmup; i += 1) {
      const at = Math.floor(Math.random() * storedCount);
      const target = { q: question(at), v: vectorOf(at) };
      // The query's "embedding" is made before the clock starts: latency excludes embedding.
      const paraphrase = { question: target.q.replace('What is', "What's"), scope, embedding: nudge(target.v) };
      const repeat = { question: target.q, scope, embedding: target.v };
      const t0 = performance.now();
      const s = await cache.lookup(paraphrase);
      const t1 = performance.now();
      const e = await cache.lookup(repeat);
      const t2 = performance.now();
      if (i < warmup) continue;
      semantic.push(t1 - t0);
      exact.push(t2 - t1);
      if (s.hit && s.layer === 'semantic') semanticHits += 1;
      if (s.hit && s.entry.question === target.q) semanticOriginal += 1;
      if (e.hit && e.layer === 'exact') exactHits += 1;
    }
    results.push({
      entries: size,
      loadSeconds: Math.round(loadSeconds * 10) / 10,
      checkpointed,
      exactHit: { p50Ms: pct(exact, 50), p99Ms: pct(exact, 99), hitRate: exactHits / lookups },
      semanticHit: { p50Ms: pct(semantic, 50), p99Ms: pct(semantic, 99), hitRate: semanticHits / lookups, originalFound: semanticOriginal / lookups },
    });
    process.stderr.write(`${JSON.stringify(results.at(-1))}\n`);
  }
  await cache.close(); // writes the batched hit records
  await db.close();
  return results;
}

async function main(): Promise<void> {
  const results = latency ? await measureLatency() : [];
  const guardFigures = async (file: string) => {
    const pairs = parseCachePairs(readFileSync(new URL(`../data/cache-pairs/${file}`, import.meta.url), 'utf8'), file);
    const report = await calibrate({ pairs });
    return {
      pairs: pairs.length,
      meaningChangingRejected: report.guards.meaningChangingRejected,
      paraphrasesWronglyRejected: report.guards.paraphrasesRejected,
      rejectedByKind: report.guards.rejectedByKind,
      wrong: report.guards.pairs.filter((p) => (p.same && p.rejected) || (!p.same && p.kind !== 'unrelated' && !p.rejected)).map((p) => ({ kind: p.kind, a: p.a, b: p.b, reasons: p.reasons.map((r) => r.detail) })),
    };
  };
  console.log(JSON.stringify({
    benchmark: 'cache',
    store: backend === 'pglite' ? 'pglite (in memory)' : 'postgresql',
    ...(backend === 'postgres' ? { pg: base.replace(/\/\/[^@]*@/, '//') } : {}),
    dims: DIMS,
    efSearch,
    hnswBuild: CACHE_HNSW_BUILD,
    lookupsPerSize: lookups,
    warmupLookupsPerSize: warmup,
    note: 'latency excludes query embedding; semantic path = one statement (exact key, else HNSW nearest over the halfvec index with iterative scan, settings inside the statement, freshness checked) + guards; the vector travels in binary; hits are recorded in batches off the path. ' +
      'Stored vectors are uniformly random 384-dim unit vectors, a worst case for HNSW (no neighbourhood structure to navigate); each semantic query is a stored vector nudged to cosine ~0.999, and hitRate/originalFound measure how often the index finds it',
    latency: results,
    guards: { heldout: await guardFigures('heldout.jsonl'), devForReference: await guardFigures('dev.jsonl') },
    endToEnd: await endToEnd(),
  }, null, 2));
}

/** Precision and hit rate per threshold with a real embedding model, when one is installed. */
async function endToEnd() {
  const config = loadConfig();
  const model = args.get('--model');
  const modelsDir = args.get('--models-dir') ?? modelsDirFromConfig(config);
  const choice = await createEmbedderFromOptions({ ...config.models.embedder, ...(model ? { model } : {}) }, { modelsDir });
  if (!choice.embedder) return { embedder: null, skipped: choice.reason };
  try {
    const file = 'heldout.jsonl';
    const pairs = parseCachePairs(readFileSync(new URL(`../data/cache-pairs/${file}`, import.meta.url), 'utf8'), file);
    const report = await calibrate({ pairs, embedder: choice.embedder });
    return { embedder: report.embedder, pairs: file, targetPrecision: report.targetPrecision, chosen: report.chosen, thresholds: report.thresholds };
  } finally {
    await choice.embedder.close?.();
  }
}

await main();
