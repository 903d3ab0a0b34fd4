/**
 * The learned ranker's cost (issue 20): milliseconds a query's ranker stage adds (features of the
 * top `depth` candidates + LambdaMART scoring), p50/p95, per stage, on PGlite and PostgreSQL with
 * the posting cache. Run through bench/ranker.ts --cost (its flags are listed there).
 *
 * Corpus: SciFact abstracts repeated and perturbed to the size (bench/layouts/corpus.ts, one chunk
 * per document, as bench/retrieval-latency.ts). First stage: BM25 from the posting cache, top
 * `depth` chunks. Model: LambdaMART trained here on SciFact train claims (their judged abstracts,
 * every replica relevant), `--trees` rounds without early stopping, so the scoring cost is that of
 * a model of that size; or the model `--model` names ('default': the packaged one). Measured on SciFact claims not trained on (train claims first, then the
 * rest of queries.jsonl), the candidates retrieved beforehand:
 * - cold: a fresh ranker stage, its analysis and statistics caches empty at the first query (what
 *   later queries share with earlier ones, candidates or terms, hits within the pass);
 * - warm: the same queries again on the same stage (what the caches hold is reused).
 * Beside each query, one `SELECT 1` to the same database (`selectOneMs`): the machine's round-trip
 * floor at the time, which on a loaded machine is most of a cached query's statistics stage.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDb } from '../src/db/open-db.js';
import type { Db } from '../src/db/types.js';
import { runIngest } from '../src/ingest/pipeline.js';
import { createPostingCache } from '../src/retrieve/posting-cache.js';
import { createRankerStage } from '../src/retrieve/ranker/apply-ranker.js';
import type { RankerTimings } from '../src/retrieve/ranker/ranker-features.js';
import { collectRankerRows, type RankerQuery } from '../src/retrieve/ranker/ranker-rows.js';
import { fitRanker } from '../src/retrieve/ranker/train-ranker.js';
import { MAX_QUERY_TERMS, retrieveOptionsSchema } from '../src/retrieve/retrieve-options.js';
import { createRetriever, loadChunks } from '../src/retrieve/retriever.js';
import type { IndexStatistics } from '../src/retrieve/retrieval-leg.js';
import { sparseSearch } from '../src/retrieve/sparse-leg.js';
import type { StoredTerms } from '../src/retrieve/ranker/stored-terms.js';
import { createEnglishAnalyzer } from '../src/search-index/analyzer.js';
import { benchDatabase } from './bench-database.js';
import { oneChunk, readCorpus, synthesize } from './layouts/corpus.js';

export interface RankerCostArgs {
  dataset: string;
  backends: string[];
  sizes: number[];
  queries: number;
  trainQueries: number;
  trees: number;
  depth: number;
  /** retrieve.ranker.analysisCacheMb of the measured stage. */
  analysisCacheMb: number;
  /** A model file to measure ('default': the packaged one) instead of training `trees` trees here. */
  model?: string;
  /** PostgreSQL: keep an existing bench database of the size (ingest is incremental). */
  reuse: boolean;
  /** PGlite: a data folder per size under this (kept between runs); a fresh temporary one when absent. */
  pgliteDir?: string;
  log: (message: string) => void;
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const percentile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
};
const stat = (values: number[]) => ({ p50: percentile(values, 0.5), p95: percentile(values, 0.95), mean: round(values.reduce((s, v) => s + v, 0) / Math.max(1, values.length)) });

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as T);
}

/** SciFact train claims with their judged abstracts, each replica of an abstract (`<id>-<replica>`) judged as the abstract. */
function judgedClaims(dataset: string, replicas: number): RankerQuery[] {
  const texts = new Map(readJsonl<{ _id: string; text: string }>(join(dataset, 'queries.jsonl')).map((q) => [q._id, q.text]));
  const judged = new Map<string, Map<string, number>>();
  for (const line of readFileSync(join(dataset, 'qrels', 'train.tsv'), 'utf8').trim().split('\n').slice(1)) {
    const [queryId, corpusId, score] = line.split('\t');
    const grades = judged.get(queryId) ?? new Map<string, number>();
    for (let r = 0; r < replicas; r++) grades.set(`${corpusId}-${r}`, Number(score));
    judged.set(queryId, grades);
  }
  return [...judged].filter(([id]) => texts.has(id)).map(([id, grades]) => ({ id, text: texts.get(id)!, group: id, judged: grades }));
}

async function openBackend(backend: string, size: number, args: RankerCostArgs): Promise<{ db: Db; close: () => Promise<void> }> {
  if (backend === 'postgres') {
    const url = await benchDatabase(`gw_bench_ranker_${size}`, { mode: args.reuse ? 'reuse' : 'fresh' });
    const db = await openDb({ databaseUrl: url });
    return { db, close: () => db.close() };
  }
  if (backend !== 'pglite') throw new Error(`--backends: postgres or pglite, not ${JSON.stringify(backend)}`);
  const dir = args.pgliteDir ? resolve(args.pgliteDir, `cost-${size}`) : mkdtempSync(join(tmpdir(), 'gw-ranker-cost-'));
  mkdirSync(dir, { recursive: true });
  const db = await openDb({ dataDir: dir });
  return { db, close: async () => { await db.close(); if (!args.pgliteDir) rmSync(dir, { recursive: true, force: true }); } };
}

/** Cost figures for every backend and size. */
export async function runRankerCost(args: RankerCostArgs): Promise<unknown> {
  const corpus = readCorpus(args.dataset);
  const results: unknown[] = [];
  for (const backend of args.backends) {
    for (const size of args.sizes) {
      const { db, close } = await openBackend(backend, size, args);
      try {
        const analyzer = createEnglishAnalyzer();
        const options = retrieveOptionsSchema.parse({ mode: 'sparse' });
        const tenant = 'bench';
        let t = performance.now();
        const ingest = await runIngest(synthesize(corpus, size), { db, tenant, chunker: oneChunk, analyzer, configFingerprint: {}, titleWeight: options.titleWeight, batchDocuments: 500 });
        const ingestSeconds = round((performance.now() - t) / 1000);
        args.log(`${backend} ${size}: ingest ${ingestSeconds} s (${ingest.documents.added} added, ${ingest.documents.unchanged} unchanged)`);
        await db.exec('ANALYZE');
        const { rows: [{ chunks }] } = await db.query<{ chunks: number }>('SELECT count(*)::int AS chunks FROM chunks WHERE tenant = $1', [tenant]);
        const postingCache = createPostingCache(options.postingCache);
        const retriever = createRetriever({ db, analyzer, options, postingCache });
        const replicas = Math.ceil(size / corpus.length);

        // The model: LambdaMART on SciFact train claims' candidates over this corpus, or the one given.
        t = performance.now();
        const train = judgedClaims(args.dataset, replicas).slice(0, args.trainQueries);
        let modelFile: string;
        if (args.model) {
          modelFile = args.model;
          args.log(`${backend} ${size}: model ${args.model}`);
        } else {
          const trainRows = await collectRankerRows({ db, analyzer, retriever, titleWeight: options.titleWeight }, train, { tenant, depth: args.depth });
          const model = fitRanker(trainRows, { depth: args.depth, mode: 'sparse', folds: 1, lambdaMart: { nEstimators: args.trees } });
          modelFile = join(mkdtempSync(join(tmpdir(), 'gw-ranker-model-')), 'model.json');
          writeFileSync(modelFile, JSON.stringify(model));
          args.log(`${backend} ${size}: model of ${args.trees} trees on ${train.length} claims in ${round((performance.now() - t) / 1000)} s`);
        }

        const trained = new Set(train.map((q) => q.id));
        const test = readJsonl<{ _id: string; text: string }>(join(args.dataset, 'queries.jsonl')).filter((q) => !trained.has(q._id)).slice(0, args.queries).map((q) => ({ id: q._id, text: q.text }));
        const candidatesOf = new Map<string, Awaited<ReturnType<typeof retriever.retrieve>>['chunks']>();
        // The index version the first stage read (posting cache), as the retriever hands it to its ranker stage.
        const versionOf = new Map<string, string | undefined>();
        // And the statistics it read with them (the sparse leg's posting-cache statement), as the retriever hands them over.
        const firstStageOf = new Map<string, IndexStatistics | undefined>();
        for (const query of test) {
          const result = await retriever.retrieve({ query: query.text, tenant, k: args.depth });
          candidatesOf.set(query.id, result.chunks);
          versionOf.set(query.id, result.indexVersion);
          const terms = new Map<string, number>();
          for (const term of analyzer.terms(query.text).slice(0, MAX_QUERY_TERMS)) terms.set(term, (terms.get(term) ?? 0) + 1);
          const sparse = await sparseSearch(db, { tenant, terms, k1: options.k1, b: options.b, limit: args.depth }, postingCache);
          firstStageOf.set(query.id, sparse.indexStatistics);
        }
        const { rows: [storage] } = await db.query<{ stored: number; bytes: number; text_bytes: number }>(
          'SELECT count(term_order)::int AS stored, COALESCE(avg(octet_length(term_order)), 0)::float8 AS bytes, avg(octet_length(text))::float8 AS text_bytes FROM chunks WHERE tenant = $1',
          [tenant],
        );

        const stage = createRankerStage({ model: modelFile, depth: args.depth, analysisCacheMb: args.analysisCacheMb }, analyzer, options.titleWeight)!;
        const pass = async () => {
          const total: number[] = [];
          const roundTrip: number[] = [];
          const prefetchTimes: number[] = [];
          const loadMs: number[] = [];
          const stages: Record<string, number[]> = {};
          for (const [index, query] of test.entries()) {
            const candidates = candidatesOf.get(query.id)!;
            const queryTerms = analyzer.terms(query.text).slice(0, MAX_QUERY_TERMS);
            const timings: RankerTimings = {};
            // The retriever reads unseen candidates' stored terms with their chunk rows: that load with
            // and without the terms (alternating which runs first); the difference is the prefetch's
            // cost, counted in the stage's added time (never below 0).
            const ids = candidates.map((c) => c.chunkId);
            const prefetch = { ids: stage.termsToPrefetch(ids), stored: new Map<number, StoredTerms>(), documentChunks: new Map<number, number>() };
            let prefetchMs = 0;
            if (prefetch.ids.length > 0) {
              const timed = async (withTerms: boolean) => {
                const t0 = performance.now();
                await loadChunks(db, tenant, ids, withTerms ? prefetch : undefined);
                return performance.now() - t0;
              };
              const [withTerms, without] = index % 2 === 0 ? [await timed(true), await timed(false)] : [await timed(false), await timed(true)].reverse();
              prefetchMs = Math.max(0, withTerms - without);
              loadMs.push(without);
            } else await loadChunks(db, tenant, ids, prefetch); // the rows the retriever reads anyway (documents' chunk counts with them)
            prefetchTimes.push(prefetchMs);
            const started = performance.now();
            await stage.rank(db, tenant, query.text, queryTerms, candidates, timings, firstStageOf.get(query.id) ?? versionOf.get(query.id), { asked: new Set(prefetch.ids), stored: prefetch.stored, documentChunks: prefetch.documentChunks });
            total.push(performance.now() - started + prefetchMs);
            // The machine's floor beside it: one trivial round trip to the same database.
            const probe = performance.now();
            await db.query('SELECT 1');
            roundTrip.push(performance.now() - probe);
            for (const [name, ms] of Object.entries(timings)) (stages[name] ??= []).push(ms);
          }
          const analyses = stage.analyses.stats();
          const statistics = stage.statistics.stats();
          return {
            addedMs: stat(total),
            prefetchMs: { ...stat(prefetchTimes), what: 'stored terms read with the chunk rows: the chunk load with them minus without (in addedMs)', chunkLoadMs: stat(loadMs) },
            selectOneMs: stat(roundTrip),
            stagesMs: Object.fromEntries(Object.entries(stages).map(([name, values]) => [name, stat(values)])),
            caches: { analyses: { entries: analyses.entries, mb: round(analyses.bytes / 2 ** 20), hits: analyses.hits, misses: analyses.misses, fromStoredTerms: analyses.stored }, statistics },
          };
        };
        const cold = await pass();
        const warm = await pass();
        const result = {
          backend,
          chunks,
          ingestSeconds,
          queries: test.length,
          depth: args.depth,
          analysisCacheMb: args.analysisCacheMb,
          model: stage.model.id,
          trees: stage.model.model.type === 'lambdamart' ? stage.model.model.trees.length : 0,
          treeDepth: stage.model.model.type === 'lambdamart' ? stage.model.model.options.maxDepth : 0,
          termOrder: { chunksStored: storage.stored, meanBytes: round(storage.bytes), meanTextBytes: round(storage.text_bytes) },
          candidatesPerQuery: round(test.reduce((s, q) => s + Math.min(args.depth, candidatesOf.get(q.id)!.length), 0) / Math.max(1, test.length)),
          cold: { what: 'a fresh ranker stage: analysis and statistics caches empty at the first query (cache counters cumulative)', ...cold },
          warm: { what: 'the same queries again on the same stage', ...warm },
        };
        args.log(JSON.stringify(result));
        results.push(result);
      } finally {
        await close();
      }
    }
  }
  return results;
}
