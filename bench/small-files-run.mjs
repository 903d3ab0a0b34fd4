// @ts-check
/**
 * One run of bench/small-files.ts, in its own process (its peak RSS is its own), by plain node on
 * the compiled code in dist/, as `groundwork ingest` runs. Opens a fresh PGlite data dir, wraps the
 * Db so every statement is timed by kind, hands it to createGroundwork and calls gw.ingest(paths):
 * the command's own path (walk, load, hash, prepare workers, write, maintenance).
 *   node bench/small-files-run.mjs '{"dir": "...", "dataDir": "...", "files": n, "bytes": n}'
 * Prints one JSON row.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createGroundwork } from '../dist/groundwork.js';
import { openDb } from '../dist/db/open-db.js';
import { limitHeapGrowth } from '../dist/ingest/heap-growth.js';
import { loadSources } from '../dist/ingest/load-sources.js';
import { createEnglishAnalyzer } from '../dist/search-index/analyzer.js';
import { analyzeWrite } from '../dist/search-index/document-analysis.js';

/** @type {{ dir: string; dataDir: string; files: number; bytes: number; batchDocuments?: number; skipBreakdown?: boolean }} */
const job = JSON.parse(process.argv[2]);

/** Peak resident set of this process so far (Linux VmHWM), in MB: exact, unlike sampling. */
const peakRssMb = () => {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return line ? Math.round(Number(line.split(/\s+/)[1]) / 1024) : NaN;
};

/** A statement's kind for the breakdown: its verb and the table it writes or reads first. */
const kindOf = (/** @type {string} */ sql) => {
  const s = sql.replace(/\s+/g, ' ').trim();
  const verb = /^(WITH|SELECT|INSERT INTO|UPDATE|DELETE FROM|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT|VACUUM|ANALYZE|BEGIN|COMMIT|SET)\b/i.exec(s)?.[1]?.toUpperCase() ?? s.slice(0, 20);
  if (/SAVEPOINT/.test(verb)) return verb.toLowerCase();
  if (verb === 'VACUUM' || verb === 'ANALYZE') return `maintenance ${verb.toLowerCase()}`;
  if (verb === 'INSERT INTO') return `insert ${/^INSERT INTO (\w+)/i.exec(s)?.[1]}`;
  if (verb === 'WITH') return /DELETE FROM chunks/.test(s) ? 'delete chunks + rewrite posting blocks' : `with ${/FROM (\w+)/i.exec(s)?.[1]}`;
  if (verb === 'SELECT') {
    if (/nextval/.test(s)) return 'select block ids';
    if (/FOR UPDATE OF p/.test(s)) return 'lock posting blocks';
    if (/pg_class/.test(s)) return 'maintenance size check';
    return `select ${/FROM (\w+)/i.exec(s)?.[1]}${/FOR UPDATE/.test(s) ? ' for update' : ''}`;
  }
  return verb.toLowerCase();
};

/** @type {Map<string, { statements: number; ms: number; each: number[] }>} */
const statements = new Map();
const record = (/** @type {string} */ kind, /** @type {number} */ ms) => {
  const entry = statements.get(kind) ?? { statements: 0, ms: 0, each: [] };
  entry.statements += 1;
  entry.ms += ms;
  entry.each.push(ms);
  statements.set(kind, entry);
};
/** @param {import('../dist/db/types.js').Queryable} target */
const timed = (target) => ({
  /** @type {import('../dist/db/types.js').Queryable['query']} */
  async query(sql, params, options) {
    const t = performance.now();
    try {
      return await target.query(sql, params, options);
    } finally {
      record(kindOf(sql), performance.now() - t);
    }
  },
  /** @param {string} sql */
  async exec(sql) {
    const t = performance.now();
    try {
      return await target.exec(sql);
    } finally {
      record(kindOf(sql), performance.now() - t);
    }
  },
});

const db = await openDb({ dataDir: job.dataDir });
/** @type {import('../dist/db/types.js').Db} */
const timedDb = {
  kind: db.kind,
  location: db.location,
  ...timed(db),
  // BEGIN + COMMIT: the transaction's time outside its function.
  async transaction(fn, options) {
    let inside = 0;
    const t = performance.now();
    const result = await db.transaction(async (tx) => {
      const s = performance.now();
      try {
        return await fn(timed(tx));
      } finally {
        inside = performance.now() - s;
      }
    }, options);
    record('begin + commit', performance.now() - t - inside);
    return result;
  },
  close: () => db.close(),
};
const gw = await createGroundwork({
  db: timedDb,
  config: { dataDir: job.dataDir, models: { embedder: { provider: 'none' } }, cache: { enabled: false }, ingest: { batchDocuments: job.batchDocuments } },
  useEnvironment: false,
});
limitHeapGrowth(gw.config.ingest.heapGrowthPercent); // as `groundwork ingest` does
const startRss = process.memoryUsage().rss;
statements.clear(); // migrations are not ingest

const started = performance.now();
const elu = performance.eventLoopUtilization();
const cpu = process.cpuUsage();
const summary = await gw.ingest([job.dir], { tenant: 'bench' });
const seconds = (performance.now() - started) / 1000;
const mainBusy = performance.eventLoopUtilization(elu).utilization;
const cpuUsed = process.cpuUsage(cpu);
const peak = peakRssMb();
const written = [...statements.entries()].sort((a, b) => b[1].ms - a[1].ms);
statements.clear();

const again = performance.now();
const rerun = await gw.ingest([job.dir], { tenant: 'bench' });
const rerunSeconds = (performance.now() - again) / 1000;
const rerunStatements = [...statements.entries()].sort((a, b) => b[1].ms - a[1].ms);

// Standalone costs of the stages that run off the database (same process, after the runs, so
// they do not change the peak above): walking + reading + loading every file, and chunking +
// BM25 analysis on this thread (during ingest it runs on the prepare worker(s)).
let loadMs = NaN;
let chunkMs = NaN;
if (!job.skipBreakdown) {
  const t = performance.now();
  const documents = [];
  for await (const item of loadSources([job.dir], { maxFileBytes: gw.config.ingest.maxFileBytes })) if ('document' in item) documents.push(item.document);
  loadMs = performance.now() - t;
  const { chunker } = gw.chunkerFor({});
  const analyzer = createEnglishAnalyzer();
  const c = performance.now();
  for (const document of documents) {
    const chunks = await chunker.chunk(document);
    analyzeWrite({ document, chunks }, analyzer, gw.config.retrieve.titleWeight);
  }
  chunkMs = performance.now() - c;
}
await gw.close();
await db.close();

/** Mean milliseconds of the first and last tenth of a kind's statements: does its cost grow with the tables? */
const trend = (/** @type {number[]} */ each) => {
  const tenth = Math.max(1, Math.floor(each.length / 10));
  const mean = (/** @type {number[]} */ xs) => +(xs.reduce((s, x) => s + x, 0) / xs.length).toFixed(1);
  return each.length >= 10 ? { firstTenthMs: mean(each.slice(0, tenth)), lastTenthMs: mean(each.slice(-tenth)) } : {};
};
const byKind = (/** @type {Array<[string, { statements: number; ms: number; each: number[] }]>} */ entries) =>
  Object.fromEntries(entries.map(([kind, { statements: n, ms, each }]) => [kind, { statements: n, seconds: +(ms / 1000).toFixed(2), ...trend(each) }]));
const sum = (/** @type {Array<[string, { statements: number; ms: number }]>} */ entries, /** @type {(kind: string) => boolean} */ pick) =>
  +(entries.filter(([kind]) => pick(kind)).reduce((s, [, v]) => s + v.ms, 0) / 1000).toFixed(2);
process.stdout.write(`${JSON.stringify({
  files: job.files,
  corpusMB: +(job.bytes / 1e6).toFixed(1),
  documents: summary.documents,
  chunks: summary.chunks,
  batchDocuments: gw.config.ingest.batchDocuments,
  seconds: +seconds.toFixed(1),
  chunksPerSecond: Math.round(summary.chunks / seconds),
  filesPerSecond: Math.round(job.files / seconds),
  peakRssMB: peak,
  startRssMB: Math.round(startRss / 1e6),
  mainThreadBusy: +mainBusy.toFixed(2),
  processCores: +((cpuUsed.user + cpuUsed.system) / 1e6 / seconds).toFixed(2),
  // Load-independent: what the run cost this process (main thread, PGlite and workers together).
  cpuSeconds: +((cpuUsed.user + cpuUsed.system) / 1e6).toFixed(1),
  chunksPerCpuSecond: Math.round(summary.chunks / ((cpuUsed.user + cpuUsed.system) / 1e6)),
  prepare: summary.prepare,
  skipped: summary.skipped.slice(0, 5),
  notices: summary.notices,
  breakdown: {
    note: 'seconds on the main thread; PGlite runs SQL on it, so statement times are its own. Load and chunk+analyze are measured apart (same files, after the run): during ingest loading overlaps the writes and chunking runs on the prepare worker(s)',
    loadAndReadSeconds: +(loadMs / 1000).toFixed(2),
    chunkAndAnalyzeSeconds: +(chunkMs / 1000).toFixed(2),
    dbWriteSeconds: sum(written, (k) => !k.startsWith('maintenance') && k !== 'begin + commit'),
    maintenanceSeconds: sum(written, (k) => k.startsWith('maintenance')),
    commitSeconds: sum(written, (k) => k === 'begin + commit'),
    statements: byKind(written),
  },
  unchangedRerun: { seconds: +rerunSeconds.toFixed(1), unchanged: rerun.documents.unchanged, statements: byKind(rerunStatements) },
})}\n`);
