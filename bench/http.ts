/**
 * HTTP service under load: `/v1/retrieve` and `/v1/ask` at 50 concurrent connections on loopback.
 *   node --import tsx bench/http.ts [--duration 30] [--warmup 10] [--connections 50] [--chunks 10000] [--telemetry on|off]
 * Store: PostgreSQL (BENCH_PG_ADMIN, default postgres://postgres@127.0.0.1:5432/postgres; database
 * gw_bench_http is created once and reused: ingest is incremental). Corpus: SciFact abstracts, one
 * chunk each, repeated with ~10% of words dropped per replica to reach --chunks. Sparse (BM25)
 * retrieval, extractive answerer, auth on (one API key, looked up per request), rate limit off,
 * request log lines serialized but not written. The server runs in a child process (so its RSS is
 * measured alone); autocannon runs in this one. Queries are SciFact's, one per request, round robin.
 * Prints one JSON document.
 */
import { mulberry32 } from '../src/random.js';
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createGroundwork } from '../src/groundwork.js';
import { benchDatabase } from './bench-database.js';
import type { SourceItem } from '../src/ingest/pipeline.js';
import type { ChunkDraft, Chunker, LoadedDocument } from '../src/ingest/types.js';
import { createApiKey } from '../src/server/api-keys.js';
import { startServer } from '../src/server/start-server.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const dataset = flag('--dataset', join(process.cwd(), '..', 'shared', 'datasets', 'scifact'));
const DATABASE = 'gw_bench_http';
const telemetryFlag = flag('--telemetry', 'on');
if (telemetryFlag !== 'on' && telemetryFlag !== 'off') throw new Error(`--telemetry: expected on or off, got ${telemetryFlag}`);
const TELEMETRY = telemetryFlag === 'on';
const TENANT = 'bench';
/** Pause between phases so one phase's cut-off requests do not load the next. */
const SETTLE_MS = 5000;
/**
 * RSS sampled at one instant swings with the garbage collector's cycle: under steady load the V8
 * heap grows to several times the live data before a full collection (traced here: heap 210-520
 * MB over a live heap of 93-97 MB, RSS 409-726 MB in one run). So each probe reports RSS as it is
 * and again after a full collection (the server runs with --expose-gc for this), which is the
 * figure that shows growth; and the range RSS took since the previous probe (sampled each second).
 */
const SAMPLE_MS = 1000;

/** One chunk per document: the chunk count is the document count, exactly. */
const wholeDocument: Chunker = {
  name: 'bench-whole-document',
  chunk: (d: LoadedDocument): ChunkDraft[] => [{ ordinal: 0, text: d.text, tokenCount: d.text.length >> 2, headingPath: [], charStart: 0, charEnd: d.text.length, metadata: {} }],
};

const seededRandom = mulberry32;

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as T);
}

function* synthesize(size: number): Generator<SourceItem> {
  const corpus = readJsonl<{ _id: string; title: string; text: string }>(join(dataset, 'corpus.jsonl'));
  const random = seededRandom(size);
  for (let i = 0; i < size; i += 1) {
    const base = corpus[i % corpus.length];
    const replica = Math.floor(i / corpus.length);
    const text = replica === 0 ? base.text : base.text.split(' ').filter(() => random() > 0.1).join(' ');
    yield { document: { externalId: `${base._id}-${replica}`, source: `scifact/${base._id}`, title: base.title, text, format: 'text', metadata: { replica } } };
  }
}

/** Child process: ingest (incremental), start the server, report its URL and key, answer RSS probes. */
async function serve(): Promise<void> {
  const chunks = Number(flag('--chunks', '10000'));
  const gw = await createGroundwork({
    config: {
      databaseUrl: await benchDatabase(DATABASE, { mode: 'reuse' }),
      tenant: TENANT,
      retrieve: { mode: 'sparse' },
      generate: { provider: 'extractive' },
      // --telemetry off measures the server without per-request telemetry (on by default, as `serve`).
      monitor: { enabled: TELEMETRY },
    },
    useEnvironment: false,
    chunker: wholeDocument,
  });
  const ingestStarted = performance.now();
  const summary = await gw.ingest(synthesize(chunks), { tenant: TENANT });
  const ingestMs = performance.now() - ingestStarted;
  const { rows } = await gw.db.query<{ n: number }>('SELECT count(*)::int AS n FROM chunks WHERE tenant = $1', [TENANT]);
  // The database is reused between runs: start from an empty answer cache so runs compare.
  await gw.cache.clear({ tenant: TENANT });
  const key = await createApiKey(gw.db, TENANT, { name: 'bench' });
  const server = await startServer({
    groundwork: gw,
    port: 0,
    server: { auth: true, rateLimitPerMinute: 0, requestTimeoutMs: 30_000 },
    log: (line) => void JSON.stringify(line),
  });
  let rssSamples: number[] = [];
  setInterval(() => rssSamples.push(process.memoryUsage().rss), SAMPLE_MS).unref();
  process.on('message', async (message: { type: string }) => {
    if (message.type === 'rss') {
      const memory = process.memoryUsage();
      // V8 hands freed pages back to the OS from a background task, within ~100 ms (measured).
      for (let i = 0; i < 2; i += 1) {
        (globalThis as unknown as { gc: () => void }).gc();
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const collected = process.memoryUsage();
      const range = [Math.min(...rssSamples, memory.rss), Math.max(...rssSamples, memory.rss)];
      rssSamples = [];
      process.send!({ type: 'rss', memory, collected, range } satisfies Probe & { type: string });
    }
    if (message.type === 'stop') {
      await server.close();
      process.exit(0);
    }
  });
  process.send!({ type: 'ready', url: server.url, secret: key.secret, chunks: rows[0].n, ingest: { ...summary.documents, ms: Math.round(ingestMs) } });
}

function request<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string } & T): void => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send({ type });
  });
}

interface LoadFigures {
  requestsPerSecond: number;
  requests: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

/** A memory probe of the server process: as found, after a full collection, and RSS's range since the last probe. */
interface Probe {
  memory: NodeJS.MemoryUsage;
  collected: NodeJS.MemoryUsage;
  range: number[];
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Where each endpoint's next query comes from: kept across phases, so measured asks do not repeat
 * warm-up questions (the answer cache would serve them; its hits are reported).
 */
const cursors = new Map<string, number>();

function take(path: string): number {
  const at = cursors.get(path) ?? 0;
  cursors.set(path, at + 1);
  return at;
}

async function load(url: string, path: string, secret: string, body: (q: string) => unknown, queries: string[], seconds: number, connections: number): Promise<LoadFigures> {
  const times: number[] = [];
  const statusCodes: Record<string, number> = {};
  // Without a callback autocannon returns its event emitter, made thenable (the types only say Promise).
  const instance = autocannon({
    url: `${url}${path}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(body(queries[take(path) % queries.length])) }),
      },
    ],
  }) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  // Exact per-request latencies (autocannon's own histogram reports p97.5, not p95).
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    times.push(responseTime);
    statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
  });
  const result = await instance;
  times.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    requestsPerSecond: round(times.length / result.duration),
    requests: times.length,
    latencyMs: {
      p50: round(percentile(times, 50)),
      p95: round(percentile(times, 95)),
      p99: round(percentile(times, 99)),
      max: round(times.at(-1) ?? Number.NaN),
      mean: round(times.reduce((a, b) => a + b, 0) / Math.max(1, times.length)),
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
  };
}

async function main(): Promise<void> {
  const seconds = Number(flag('--duration', '30'));
  const warmup = Number(flag('--warmup', '10'));
  const connections = Number(flag('--connections', '50'));
  const queries = readJsonl<{ text: string }>(join(dataset, 'queries.jsonl')).map((q) => q.text);
  const child = fork(process.argv[1], [...args, '--serve'], { execArgv: [...process.execArgv, '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<{ url: string; secret: string; chunks: number; ingest: Record<string, number> }>((resolve, reject) => {
    child.once('message', resolve as (m: unknown) => void);
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
  });
  const retrieveBody = (query: string) => ({ query, k: 10, mode: 'sparse' });
  const askBody = (question: string) => ({ question, mode: 'sparse' });
  // Requests cut off when a phase ends keep the server busy for a moment (retrieval cannot be
  // cancelled midway): let that backlog drain before measuring the next phase.
  const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  await load(ready.url, '/v1/retrieve', ready.secret, retrieveBody, queries, warmup, connections);
  await load(ready.url, '/v1/ask', ready.secret, askBody, queries, warmup, connections);
  await settle();
  const warm = await request<Probe>(child, 'rss');
  const retrieve = await load(ready.url, '/v1/retrieve', ready.secret, retrieveBody, queries, seconds, connections);
  await settle();
  const ask = await load(ready.url, '/v1/ask', ready.secret, askBody, queries, seconds, connections);
  await settle();
  const end = await request<Probe>(child, 'rss');
  const metricsText = await (await fetch(`${ready.url}/metrics`)).text();
  const cacheLookups = Object.fromEntries([...metricsText.matchAll(/^groundwork_cache_lookups_total\{result="(\w+)"\} (\d+)/gm)].map((m) => [m[1], Number(m[2])]));
  child.send({ type: 'stop' });
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  const growth = (from: number, to: number) => Math.round(((to - from) / from) * 1000) / 10;
  console.log(
    JSON.stringify(
      {
        bench: 'http',
        node: process.version,
        machine: { cpus: cpus().length, loadAverage1m: loadavg()[0], note: 'shared machine: other processes ran concurrently; compare runs on the same machine only' },
        store: 'postgresql',
        chunks: ready.chunks,
        ingest: ready.ingest,
        settings: { connections, durationSeconds: seconds, warmupSeconds: warmup, mode: 'sparse', answerer: 'extractive', auth: true, k: 10, telemetry: TELEMETRY },
        retrieve,
        ask,
        cacheLookups,
        queriesSent: Object.fromEntries(cursors),
        queriesAvailable: queries.length,
        rssMb: { afterWarmup: mb(warm.memory.rss), end: mb(end.memory.rss), growthPercent: growth(warm.memory.rss, end.memory.rss) },
        rssAfterFullGcMb: { afterWarmup: mb(warm.collected.rss), end: mb(end.collected.rss), growthPercent: growth(warm.collected.rss, end.collected.rss) },
        rssRangeMb: { warmup: warm.range.map(mb), measured: end.range.map(mb) },
        heapUsedAfterFullGcMb: { afterWarmup: mb(warm.collected.heapUsed), end: mb(end.collected.heapUsed) },
        targets: { retrieveP99Ms: 150, errors: 0, rssGrowthPercent: 10, rssGrowthJudgedOn: 'rssAfterFullGcMb' },
      },
      null,
      2,
    ),
  );
}

if (args.includes('--serve')) await serve();
else await main();
