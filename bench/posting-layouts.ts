/**
 * BM25 storage layouts in PostgreSQL, measured on one synthetic corpus (issue #5):
 *   node --import tsx bench/posting-layouts.ts [--sizes 10000,100000] [--queries 200] [--budget 240] [--keep]
 * Layouts:
 *   rows          one row per (tenant, term, chunk): migrations/0001's chunk_terms and its exhaustive query
 *   blocks        one row per (tenant, term, write batch) with parallel arrays: migrations/0006 and
 *                 sparseSearch, MaxScore-pruned ("blocks") and exhaustive ("blocks-exhaustive")
 *   tsvector+gin  a tsvector per chunk, GIN candidates (`@@` OR of the terms), BM25 in SQL from the tsvectors
 *   sparsevec     pgvector sparsevec of hashed terms holding write-time BM25 term weights, exact inner
 *                 product by sequential scan; then an HNSW index, with recall against the exact top 10
 * Corpus: SciFact abstracts (title + text, one chunk each), repeated and perturbed as in
 * bench/retrieval-latency.ts; queries: the first --queries of SciFact's queries.jsonl, top 10.
 * Every layout stores the same chunk ids and the ingest analyzer's terms. The corpus is ingested
 * once with runIngest (blocks); every layout, blocks included (into a copy of its table), then
 * writes the same postings in transactions of BATCH chunks on one connection: writeSeconds, rows
 * and size are for those postings only. Agreement: share of queries whose top 10 equal the
 * exhaustive block evaluation's, ties aside. Databases gw_layouts_<size> are dropped unless --keep.
 * Prints one JSON document.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../src/db/open-db.js';
import { openPgDb } from '../src/db/pg-driver.js';
import type { Db } from '../src/db/types.js';
import { runIngest } from '../src/ingest/pipeline.js';
import type { SparsePlan } from '../src/retrieve/sparse-leg.js';
import { createEnglishAnalyzer } from '../src/search-index/analyzer.js';
import { benchDatabase, dropBenchDatabase } from './bench-database.js';
import { percentile } from './bench-embedder.js';
import { blocksSearch, createBlocksLayout } from './layouts/blocks-layout.js';
import { analyzeCorpus, oneChunk, queryTerms, readCorpus, readQueries, synthesize, type AnalyzedChunk } from './layouts/corpus.js';
import { collectionStats, overlap, sameTopK, tableSizes, TENANT, type PostingLayout, type Ranked } from './layouts/layout.js';
import { createRowsLayout } from './layouts/rows-layout.js';
import { createSparsevecLayout, termDimension } from './layouts/sparsevec-layout.js';
import { createTsvectorLayout } from './layouts/tsvector-layout.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = flag('--sizes', '10000,100000').split(',').map(Number);
const queryCount = Number(flag('--queries', '200'));
/** Seconds of timed queries per layout and size; a layout past it stops early (queriesMeasured says). */
const budgetSeconds = Number(flag('--budget', '240'));
const keep = args.includes('--keep');
const dataset = flag('--dataset', join(process.cwd(), '..', 'shared', 'datasets', 'scifact'));

/** Chunks per write transaction: retrieval-latency's ingest batch. */
const BATCH = 500;
const TOP_K = 10;
const WARM_UP_QUERIES = 10;
/** A query slower than this is cut off (and counted in timeouts). */
const STATEMENT_TIMEOUT_MS = 30_000;
const HNSW_EF_SEARCH = [40, 200];
const MB = 1024 * 1024;

const corpus = readCorpus(dataset);
const queries = readQueries(dataset, queryCount);
const analyzer = createEnglishAnalyzer();
const terms = queries.map((q) => queryTerms(analyzer, q));

interface QueryRun {
  p50: number;
  p95: number;
  queriesMeasured: number;
  timeouts: number;
  results: Array<Ranked[] | undefined>;
}

const round = (x: number, digits = 2): number => +x.toFixed(digits);
const log = (message: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

async function runQueries(name: string, search: (t: Map<string, number>) => Promise<Ranked[]>): Promise<QueryRun> {
  for (const t of terms.slice(0, WARM_UP_QUERIES)) await search(t).catch(() => undefined);
  const latencies: number[] = [];
  const results: Array<Ranked[] | undefined> = [];
  let timeouts = 0;
  const started = performance.now();
  for (const t of terms) {
    if ((performance.now() - started) / 1000 > budgetSeconds) break;
    const t0 = performance.now();
    try {
      results.push(await search(t));
    } catch (error) {
      if (!/statement timeout/i.test((error as Error).message)) throw error;
      timeouts += 1;
      results.push(undefined);
    }
    latencies.push(performance.now() - t0);
  }
  log(`${name}: ${latencies.length} queries, p50 ${round(percentile(latencies, 50))} ms`);
  return { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), queriesMeasured: latencies.length, timeouts, results };
}

function agreement(reference: Ranked[][], run: QueryRun): { agreement: number; overlapAt10: number } {
  let same = 0;
  let shared = 0;
  run.results.forEach((r, i) => {
    if (r && sameTopK(reference[i], r)) same += 1;
    shared += r ? overlap(reference[i], r) : 0;
  });
  const n = run.results.length || 1;
  return { agreement: round(same / n, 3), overlapAt10: round(shared / n, 3) };
}

async function writeLayout(db: Db, layout: PostingLayout, chunks: AnalyzedChunk[]): Promise<number> {
  await layout.create(db);
  const started = performance.now();
  for (let i = 0; i < chunks.length; i += BATCH) await layout.writeBatch(db, chunks.slice(i, i + BATCH));
  await layout.finish(db);
  const seconds = (performance.now() - started) / 1000;
  log(`${layout.name}: wrote ${chunks.length} chunks in ${round(seconds, 1)} s`);
  return seconds;
}

async function countRows(db: Db, table: string): Promise<number> {
  // Identifiers come from this file's layouts, never from input.
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::float8 AS n FROM ${table}`);
  return rows[0].n;
}

async function sizeMB(db: Db, tables: string[]): Promise<{ sizeMB: number; indexMB: number }> {
  const s = await tableSizes(db, tables);
  return { sizeMB: round(s.totalBytes / MB, 1), indexMB: round(s.indexBytes / MB, 1) };
}

async function benchSize(size: number): Promise<Record<string, unknown>> {
  const name = `gw_layouts_${size}`;
  const url = await benchDatabase(name);
  const db = await openDb({ databaseUrl: url });
  const queryUrl = new URL(url);
  queryUrl.searchParams.set('options', `-c statement_timeout=${STATEMENT_TIMEOUT_MS}`);
  const queryDb = await openPgDb({ connectionString: queryUrl.toString(), max: 2 });
  const blocks = createBlocksLayout(url);
  try {
    // 1. Ingest with the pipeline (blocks, what sparseSearch reads).
    let started = performance.now();
    const summary = await runIngest(synthesize(corpus, size), { db, tenant: TENANT, chunker: oneChunk, analyzer, configFingerprint: {}, titleWeight: 1, batchDocuments: BATCH });
    const ingestSeconds = (performance.now() - started) / 1000;
    log(`${size}: runIngest ${summary.chunks} chunks in ${round(ingestSeconds, 1)} s`);
    await db.exec('ANALYZE');
    const ids = await db.query<{ external_id: string; id: number }>('SELECT d.external_id, c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.tenant = $1', [TENANT]);
    const chunks = analyzeCorpus(corpus, size, analyzer, new Map(ids.rows.map((r) => [r.external_id, Number(r.id)])), 1);
    const { n, avgdl } = await collectionStats(db);
    const analyzedLength = chunks.reduce((s, c) => s + c.length, 0);
    if (n !== chunks.length || Math.abs(analyzedLength / n - avgdl) > 1e-9) throw new Error(`analysis differs from the ingest: ${chunks.length} chunks / ${analyzedLength / chunks.length} avgdl vs ${n} / ${avgdl}`);
    const vocabulary = new Set(chunks.flatMap((c) => c.terms));
    const dimensions = new Set([...vocabulary].map(termDimension));

    // 2. The same postings into each layout (postings only, timed).
    const rows = createRowsLayout();
    const tsv = createTsvectorLayout();
    const sv = createSparsevecLayout(avgdl);
    const written: Record<string, { writeSeconds: number; rows: number; sizeMB: number; indexMB: number; [k: string]: unknown }> = {};
    written.rows = { writeSeconds: round(await writeLayout(db, rows, chunks), 1), rows: await countRows(db, 'chunk_terms'), ...(await sizeMB(db, rows.tables)) };
    const blocksWrite = await writeLayout(db, blocks, chunks);
    const chunkTerms = await db.query<{ bytes: number }>('SELECT COALESCE(sum(pg_column_size(terms)), 0)::float8 AS bytes FROM chunks');
    written.blocks = {
      writeSeconds: round(blocksWrite, 1),
      rows: await countRows(db, 'public.posting_blocks'),
      ...(await sizeMB(db, ['public.posting_blocks'])),
      copyRows: await countRows(db, 'layout_blocks_copy.posting_blocks'),
      copySizeMB: (await sizeMB(db, blocks.tables)).sizeMB,
      chunksTermsColumnMB: round(chunkTerms.rows[0].bytes / MB, 1),
      runIngestSeconds: round(ingestSeconds, 1),
    };
    written['tsvector+gin'] = {
      writeSeconds: round(await writeLayout(db, tsv, chunks), 1),
      rows: await countRows(db, 'layout_tsv_chunks'),
      dfRows: await countRows(db, 'layout_tsv_df'),
      ...(await sizeMB(db, tsv.tables)),
    };
    written.sparsevec = {
      writeSeconds: round(await writeLayout(db, sv, chunks), 1),
      rows: await countRows(db, 'layout_sv_chunks'),
      dfRows: await countRows(db, 'layout_sv_df'),
      ...(await sizeMB(db, sv.tables)),
    };
    const dfCheck = await db.query<{ differ: number }>(
      `SELECT count(*)::int AS differ FROM (SELECT term, sum(n)::int AS df FROM posting_blocks WHERE tenant = $1 GROUP BY term) p
        FULL JOIN layout_tsv_df t ON t.tenant = $1 AND t.term = p.term WHERE p.df IS DISTINCT FROM t.df`,
      [TENANT],
    );
    await db.exec('CHECKPOINT');

    // 3. Queries: the exhaustive block evaluation is the reference.
    const plans: SparsePlan[] = [];
    const reference = await runQueries('blocks-exhaustive', (t) => blocksSearch(false)(queryDb, t, TOP_K));
    if (reference.results.some((r) => r === undefined) || reference.results.length !== terms.length) throw new Error('the reference (blocks-exhaustive) did not finish every query');
    const ref = reference.results as Ranked[][];
    const pruned = await runQueries('blocks', (t) => blocksSearch(true, (p) => plans.push(p))(queryDb, t, TOP_K));
    const rowsRun = await runQueries('rows', (t) => rows.search(queryDb, t, TOP_K));
    const tsvRun = await runQueries('tsvector+gin', (t) => tsv.search(queryDb, t, TOP_K));
    const svRun = await runQueries('sparsevec', (t) => sv.search(queryDb, t, TOP_K));
    const stat = (run: QueryRun) => ({ p50: run.p50, p95: run.p95, ...agreement(ref, run), queriesMeasured: run.queriesMeasured, timeouts: run.timeouts });
    const scanned = plans.reduce((s, p) => s + p.postingsScanned, 0);
    const total = plans.reduce((s, p) => s + p.postingsTotal, 0);
    const layouts: Record<string, unknown> = {
      rows: { ...written.rows, ...stat(rowsRun) },
      blocks: { ...written.blocks, ...stat(pruned), postingsScannedShare: round(scanned / Math.max(total, 1), 3) },
      'blocks-exhaustive': { writeSeconds: written.blocks.writeSeconds, rows: written.blocks.rows, sizeMB: written.blocks.sizeMB, ...stat(reference) },
      'tsvector+gin': { ...written['tsvector+gin'], ...stat(tsvRun), dfDiffersFromBlocks: dfCheck.rows[0].differ },
      sparsevec: { ...written.sparsevec, ...stat(svRun), vocabulary: vocabulary.size, hashedDimensions: dimensions.size, collidingTerms: vocabulary.size - dimensions.size },
    };

    // 4. HNSW on the sparse vectors (approximate): recall@10 against the exact sparsevec top 10.
    try {
      started = performance.now();
      const buildSeconds = await sv.buildHnsw(db);
      const hnswSize = await db.query<{ bytes: number }>("SELECT pg_relation_size('layout_sv_chunks_hnsw')::float8 AS bytes");
      for (const ef of HNSW_EF_SEARCH) {
        const run = await runQueries(`sparsevec-hnsw ef_search=${ef}`, (t) => sv.searchHnsw(queryDb, t, TOP_K, ef));
        let recall = 0;
        run.results.forEach((r, i) => {
          const exact = svRun.results[i];
          if (r && exact) recall += overlap(exact, r);
        });
        layouts[`sparsevec-hnsw-ef${ef}`] = {
          buildSeconds: round(buildSeconds, 1),
          indexMB: round(hnswSize.rows[0].bytes / MB, 1),
          ...stat(run),
          recallAt10VsExactSparsevec: round(recall / Math.max(run.results.length, 1), 3),
        };
      }
    } catch (error) {
      layouts['sparsevec-hnsw'] = { error: (error as Error).message, seconds: round((performance.now() - started) / 1000, 1) };
    }
    return { chunks: n, avgdl: round(avgdl, 1), layouts };
  } finally {
    await blocks.close();
    await queryDb.close();
    await db.close();
    if (!keep) await dropBenchDatabase(name);
  }
}

const results: unknown[] = [];
for (const size of sizes) {
  results.push(await benchSize(size));
  log(JSON.stringify(results.at(-1)));
}
process.stdout.write(
  `${JSON.stringify(
    {
      bench: 'posting-layouts',
      note: `indicative: ${cpus().length} cores shared with other work; writeSeconds/rows/sizeMB are the postings only (batches of ${BATCH} chunks, one connection, VACUUM ANALYZE included); latency is client-side per query (all round trips), ${WARM_UP_QUERIES} warm-up queries first; agreement = share of queries whose top ${TOP_K} equal blocks-exhaustive's, ties aside`,
      queries: queries.length,
      k: TOP_K,
      results,
    },
    null,
    2,
  )}\n`,
);
