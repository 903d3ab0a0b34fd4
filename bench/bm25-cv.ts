/**
 * BM25 parameters by 2-fold cross-validation on the SciFact train split, and our SQL BM25 against
 * an independent in-memory BM25 with the same analyzer. Prints one JSON document.
 *   node --import tsx bench/bm25-cv.ts [--dataset DIR] [--database-url URL]
 * Uses PostgreSQL (default postgres://postgres@127.0.0.1:5432/gw_bench_scifact, created when
 * absent; the index is re-used across runs: ingest is incremental).
 * CV: the judged queries are shuffled (seed 42) into two halves; for each half, the (k1, b) with the
 * best mean nDCG@10 on the OTHER half is picked and scored on this one (held out).
 */
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadBeirDataset } from '../src/eval/beir-dataset.js';
import { chunksToDocumentRanking } from '../src/eval/chunks-to-document-ranking.js';
import { mulberry32 } from '../src/eval/prng.js';
import { beirSourceItems, beirTenant } from '../src/eval/run-beir-eval.js';
import { scoreRun } from '../src/eval/score-run.js';
import type { Run } from '../src/eval/types.js';
import { createGroundwork } from '../src/groundwork.js';
import { createRetriever } from '../src/retrieve/retriever.js';
import { referenceBm25 } from '../test/helpers/reference-bm25.js';
import { wholeDocumentChunker } from '../test/helpers/whole-document-chunker.js';

/** The two published settings: Anserini/Pyserini BEIR (0.9, 0.4) and Lucene's defaults (1.2, 0.75). */
const NAMED = [
  { name: 'anserini-beir', k1: 0.9, b: 0.4 },
  { name: 'lucene-default', k1: 1.2, b: 0.75 },
];
/** A small grid around them. */
const K1_GRID = [0.6, 0.9, 1.2, 1.5];
const B_GRID = [0.3, 0.4, 0.55, 0.75, 0.9];
/** Chunks retrieved per query: enough for 10 distinct documents when a document has several chunks. */
const RETRIEVE_K = 30;
const CV_SEED = 42;
/** The tolerance for the SQL vs in-memory check. */
const REFERENCE_TOLERANCE = 0.005;

const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: '/work/shared/datasets/scifact' },
    split: { type: 'string', default: 'train' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/gw_bench_scifact' },
  },
});

async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const database = target.pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(database)) throw new Error(`unexpected database name ${database}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rows.length === 0) await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

async function main(): Promise<void> {
  const started = performance.now();
  const databaseUrl = values['database-url']!;
  await ensureDatabase(databaseUrl);
  const dataset = await loadBeirDataset(values.dataset!, { split: values.split });
  const gw = await createGroundwork({ config: { databaseUrl }, useEnvironment: false });
  try {
    const tenant = beirTenant(dataset.dir);
    let t = performance.now();
    const ingest = await gw.ingest(beirSourceItems(dataset), { tenant });
    const ingestMs = performance.now() - t;
    const chunkCount = (await gw.db.query<{ n: number }>('SELECT count(*)::int AS n FROM chunks WHERE tenant = $1', [tenant])).rows[0].n;

    // Per (k1, b): per-query nDCG@10 over every judged query, from the SQL BM25.
    const grid = K1_GRID.flatMap((k1) => B_GRID.map((b) => ({ k1, b })));
    const perQuery = new Map<string, Map<string, number>>();
    const key = (k1: number, b: number) => `${k1}/${b}`;
    t = performance.now();
    for (const { k1, b } of grid) {
      const retriever = createRetriever({ db: gw.db, analyzer: gw.analyzer, options: { ...gw.config.retrieve, mode: 'sparse', k1, b } });
      const run: Run = new Map();
      for (const query of dataset.queries) {
        const result = await retriever.retrieve({ query: query.text, tenant, k: RETRIEVE_K });
        run.set(query._id, chunksToDocumentRanking(result.chunks.map((c) => ({ externalId: c.externalId, score: c.score }))));
      }
      const scored = scoreRun(run, dataset.qrels, { k: 10 });
      perQuery.set(key(k1, b), new Map(scored.perQuery.map((row) => [row.queryId, row.metrics['ndcg@10']])));
    }
    const gridMs = performance.now() - t;

    const ids = [...perQuery.values().next().value!.keys()];
    const random = mulberry32(CV_SEED);
    const shuffled = ids.map((id) => ({ id, r: random() })).sort((x, y) => x.r - y.r).map(({ id }) => id);
    const folds = [shuffled.slice(0, Math.ceil(shuffled.length / 2)), shuffled.slice(Math.ceil(shuffled.length / 2))];
    const score = (k1: number, b: number, queries: string[]) => mean(queries.map((id) => perQuery.get(key(k1, b))!.get(id)!));
    const cv = folds.map((heldOut, index) => {
      const train = folds[1 - index];
      const ranked = grid.map(({ k1, b }) => ({ k1, b, trainNdcg10: score(k1, b, train) })).sort((x, y) => y.trainNdcg10 - x.trainNdcg10);
      const pick = ranked[0];
      return {
        fold: index + 1,
        trainQueries: train.length,
        heldOutQueries: heldOut.length,
        pick: { k1: pick.k1, b: pick.b, trainNdcg10: round(pick.trainNdcg10) },
        heldOutNdcg10: round(score(pick.k1, pick.b, heldOut)),
        named: Object.fromEntries(NAMED.map((n) => [n.name, { trainNdcg10: round(score(n.k1, n.b, train)), heldOutNdcg10: round(score(n.k1, n.b, heldOut)) }])),
        namedChoice: NAMED.map((n) => ({ ...n, train: score(n.k1, n.b, train) })).sort((x, y) => y.train - x.train)[0].name,
      };
    });

    // Independent check: the SQL BM25 and the in-memory reference rank the same documents. Needs
    // one chunk per document (the reference scores whole documents), so a whole-document tenant
    // is used when the configured chunker split any document.
    let checkTenant = tenant;
    if (chunkCount !== dataset.corpus.length) {
      checkTenant = `${tenant}-whole`.slice(0, 64);
      const whole = await createGroundwork({ config: gw.config, db: gw.db, chunker: wholeDocumentChunker() });
      await whole.ingest(beirSourceItems(dataset), { tenant: checkTenant });
      await whole.close();
    }
    const { k1, b } = gw.config.retrieve;
    const reference = referenceBm25(
      dataset.corpus.map((d) => ({ id: d._id, text: d.title ? `${d.title}\n${d.text}` : d.text })),
      gw.analyzer,
      k1,
      b,
    );
    const sqlRetriever = createRetriever({ db: gw.db, analyzer: gw.analyzer, options: { ...gw.config.retrieve, mode: 'sparse' } });
    const sqlRun: Run = new Map();
    const referenceRun: Run = new Map();
    let maxScoreDifference = 0;
    for (const query of dataset.queries) {
      const result = await sqlRetriever.retrieve({ query: query.text, tenant: checkTenant, k: 10 });
      const expected = reference.search(query.text, 10);
      sqlRun.set(query._id, result.chunks.map((c) => ({ docId: c.externalId, score: c.score })));
      referenceRun.set(query._id, expected.map((r) => ({ docId: r.id, score: r.score })));
      const top = new Map(expected.map((r) => [r.id, r.score]));
      for (const c of result.chunks) if (top.has(c.externalId)) maxScoreDifference = Math.max(maxScoreDifference, Math.abs(top.get(c.externalId)! - c.score));
    }
    const sqlNdcg = scoreRun(sqlRun, dataset.qrels, { k: 10 }).means['ndcg@10'];
    const referenceNdcg = scoreRun(referenceRun, dataset.qrels, { k: 10 }).means['ndcg@10'];

    console.log(
      JSON.stringify(
        {
          bench: 'bm25-cv',
          dataset: { name: basename(resolve(dataset.dir)), split: dataset.split, queries: dataset.queries.length, documents: dataset.corpus.length, chunks: chunkCount },
          database: 'postgres',
          ingest: { added: ingest.documents.added, unchanged: ingest.documents.unchanged, ms: Math.round(ingestMs) },
          grid: { k1: K1_GRID, b: B_GRID, configs: grid.length, ms: Math.round(gridMs), queriesRun: grid.length * dataset.queries.length },
          allQueriesNdcg10: Object.fromEntries(grid.map(({ k1, b }) => [key(k1, b), round(score(k1, b, ids))])),
          cv,
          meanHeldOutNdcg10: round(mean(cv.map((f) => f.heldOutNdcg10))),
          referenceCheck: {
            k1,
            b,
            tenant: checkTenant,
            sqlNdcg10: round(sqlNdcg),
            referenceNdcg10: round(referenceNdcg),
            difference: round(Math.abs(sqlNdcg - referenceNdcg)),
            tolerance: REFERENCE_TOLERANCE,
            pass: Math.abs(sqlNdcg - referenceNdcg) <= REFERENCE_TOLERANCE,
            maxScoreDifferenceOnSharedTop10: maxScoreDifference,
          },
          note: 'machine shared with other engineers (2 cores): timings are indicative only',
          durationMs: Math.round(performance.now() - started),
        },
        null,
        2,
      ),
    );
  } finally {
    await gw.close();
  }
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

await main();
