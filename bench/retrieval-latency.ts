/**
 * Retrieval latency per leg at 10k and 100k chunks, on PostgreSQL and PGlite.
 *   node --import tsx bench/retrieval-latency.ts [--sizes 10000,100000] [--backends postgres,pglite] [--queries 200]
 * Chunks are SciFact abstracts, repeated and perturbed (each replica drops ~10% of its words at
 * random) to reach the size. Dense vectors come from a hashed bag-of-words embedder (384 dims),
 * so the figures are for the store, not for a model. Query embedding and rerank are excluded.
 * Prints one JSON document.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../src/db/open-db.js';
import type { Db } from '../src/db/types.js';
import { runIngest } from '../src/ingest/pipeline.js';
import { createEnglishAnalyzer } from '../src/search-index/analyzer.js';
import { retrieveOptionsSchema } from '../src/retrieve/retrieve-options.js';
import { createPostingCache } from '../src/retrieve/posting-cache.js';
import { createRetriever } from '../src/retrieve/retriever.js';
import { benchEmbedder, percentile } from './bench-embedder.js';
import { benchDatabase } from './bench-database.js';
import { oneChunk, synthesize } from './layouts/corpus.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = flag('--sizes', '10000,100000').split(',').map(Number);
const backends = flag('--backends', 'postgres,pglite').split(',');
const queryCount = Number(flag('--queries', '200'));
/** --reuse: keep an existing PostgreSQL bench database of the same size instead of rebuilding it. */
const reuse = args.includes('--reuse');
const dataset = flag('--dataset', join(process.cwd(), '..', 'shared', 'datasets', 'scifact'));

const corpus = readFileSync(join(dataset, 'corpus.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { _id: string; title: string; text: string });
const queries = readFileSync(join(dataset, 'queries.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text).slice(0, queryCount);

async function openBackend(backend: string, size: number): Promise<{ db: Db; cleanup: () => Promise<void> }> {
  if (backend === 'postgres') {
    const url = await benchDatabase(`gw_bench_latency_${size}`, { mode: reuse ? 'reuse' : 'fresh' });
    const db = await openDb({ databaseUrl: url });
    return { db, cleanup: () => db.close() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-'));
  const db = await openDb({ dataDir: dir });
  return { db, cleanup: async () => { await db.close(); rmSync(dir, { recursive: true, force: true }); } };
}

const results: unknown[] = [];
for (const backend of backends) {
  for (const size of sizes) {
    const { db, cleanup } = await openBackend(backend, size);
    const analyzer = createEnglishAnalyzer();
    const embedder = benchEmbedder(384);
    const started = performance.now();
    // Re-running over a reused database finds every document unchanged (ingest is incremental).
    const summary = await runIngest(synthesize(corpus, size), { db, tenant: 'bench', chunker: oneChunk, analyzer, configFingerprint: {}, titleWeight: 1, embedder, batchDocuments: 500 });
    const ingestSeconds = (performance.now() - started) / 1000;
    await db.exec('VACUUM (ANALYZE) posting_blocks');
    await db.exec('ANALYZE');
    const { rows: [{ chunks }] } = await db.query<{ chunks: number }>("SELECT count(*)::int AS chunks FROM chunks WHERE tenant = 'bench'");
    const vectors = new Map(await Promise.all(queries.map(async (q) => [q, await embedder.embedQuery(q)] as const)));
    const instant = { ...embedder, embedQuery: async (q: string) => vectors.get(q)! };
    // hybrid: the default fusion window (max(10, k) per leg); hybrid50: 50 per leg, the depth a reranker gets.
    // sparse, dense, hybrid, hybrid50: SQL only (no posting cache). sparseCacheFirstPass: a fresh
    // posting cache, each term's list fetched on first use; sparseCached: the same cache on a second pass.
    const leg = { sparse: [] as number[], dense: [] as number[], hybrid: [] as number[], hybrid50: [] as number[], sparseCacheFirstPass: [] as number[], sparseCached: [] as number[] };
    const postingCache = createPostingCache(retrieveOptionsSchema.parse({}).postingCache);
    for (const label of ['sparse', 'dense', 'hybrid', 'hybrid50', 'sparseCacheFirstPass', 'sparseCached'] as const) {
      const mode = label === 'hybrid50' ? 'hybrid' : label.startsWith('sparse') ? 'sparse' : label;
      const cached = label.startsWith('sparseCache');
      const retriever = createRetriever({ db, analyzer, embedder: instant, postingCache: cached ? postingCache : undefined, options: retrieveOptionsSchema.parse({ mode, ...(label === 'hybrid50' ? { fusionWindow: 50 } : {}) }) });
      if (!cached) for (const q of queries.slice(0, 20)) await retriever.retrieve({ query: q, tenant: 'bench', k: 10 }); // warm-up
      for (const q of queries) {
        const r = await retriever.retrieve({ query: q, tenant: 'bench', k: 10 });
        leg[label].push(r.timings.totalMs - (r.timings.embedMs ?? 0));
      }
    }
    const stat = (v: number[]) => ({ p50: +percentile(v, 50).toFixed(2), p95: +percentile(v, 95).toFixed(2), p99: +percentile(v, 99).toFixed(2) });
    results.push({
      backend,
      chunks,
      ingest: { seconds: +ingestSeconds.toFixed(1), chunksPerSecond: Math.round(summary.chunks / ingestSeconds) },
      latencyMs: Object.fromEntries(Object.entries(leg).map(([label, values]) => [label, stat(values)])),
      postingCache: postingCache.stats(),
      queries: queries.length,
    });
    process.stderr.write(`${JSON.stringify(results.at(-1))}\n`);
    await cleanup();
  }
}
process.stdout.write(`${JSON.stringify({ bench: 'retrieval-latency', note: 'latency excludes query embedding and rerank; includes loading chunk rows', machine: `${(await import('node:os')).cpus().length} cores`, results }, null, 2)}\n`);
