/**
 * End-to-end ingest throughput into PostgreSQL without embeddings, from files on disk (loaders,
 * markdown chunker with tiktoken counts, BM25 postings), and peak RSS as the corpus grows.
 *   node --import tsx bench/ingest.ts [--sizes-mb 10,100] [--database-url URL] [--prepare-workers N]
 * The corpus is Markdown files of ~200 KB built from SciFact abstracts (one section per abstract),
 * generated once under .bench/ingest-<MB>mb/. Each size runs in its own process (peak RSS is that
 * run's own). Chunking and BM25 analysis run on ingest.prepareWorkers worker threads (default:
 * the pipeline's own choice; 0 = the main thread). Prints one JSON document; besides speed and peak
 * RSS each row says where the memory and time went: RSS and main-thread heap before the ingest and
 * at the RSS peak, the main thread's event-loop utilization, and the cores this process used
 * (main thread plus workers; PostgreSQL's share is the rest of the machine).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createGroundwork } from '../src/groundwork.js';
import { benchDatabase, BENCH_PG_ADMIN } from './bench-database.js';
import { seededRandom } from './bench-embedder.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizesMb = flag('--sizes-mb', '10,100').split(',').map(Number);
const admin = flag('--database-url', BENCH_PG_ADMIN);
const prepareWorkers = args.includes('--prepare-workers') ? Number(flag('--prepare-workers', '')) : undefined;
const dataset = join(process.cwd(), '..', 'shared', 'datasets', 'scifact', 'corpus.jsonl');
const corpus = readFileSync(dataset, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { title: string; text: string });

function makeCorpus(mb: number): string {
  const dir = join(process.cwd(), '.bench', `ingest-${mb}mb`);
  if (existsSync(join(dir, 'done'))) return dir;
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(mb);
  let bytes = 0;
  let file = 0;
  while (bytes < mb * 1e6) {
    let text = `# Collection ${file}\n\n`;
    while (text.length < 200_000) {
      const d = corpus[Math.floor(random() * corpus.length)];
      text += `## ${d.title}\n\n${d.text}\n\n`;
    }
    writeFileSync(join(dir, `doc-${String(file).padStart(5, '0')}.md`), text);
    bytes += Buffer.byteLength(text);
    file += 1;
  }
  writeFileSync(join(dir, 'done'), String(bytes));
  return dir;
}

/** One size in this process: returns its row. */
async function runOne(mb: number): Promise<Record<string, unknown>> {
  const dir = makeCorpus(mb);
  const url = await benchDatabase(`gw_bench_ingest_${mb}`, { admin });
  const gw = await createGroundwork({ config: { databaseUrl: url, dataDir: 'memory://', models: { embedder: { provider: 'none' } }, cache: { enabled: false }, ingest: { prepareWorkers } }, useEnvironment: false });
  const startRss = process.memoryUsage().rss;
  const startHeap = process.memoryUsage().heapTotal;
  let peakRss = startRss;
  // The main thread's V8 heap at the RSS peak (worker threads' heaps are in the RSS, not here).
  let heapAtPeak = process.memoryUsage().heapTotal;
  const sampler = setInterval(() => {
    const memory = process.memoryUsage();
    if (memory.rss > peakRss) [peakRss, heapAtPeak] = [memory.rss, memory.heapTotal];
  }, 100);
  const started = performance.now();
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const summary = await gw.ingest([dir], { tenant: 'bench', exclude: ['done'] });
  const seconds = (performance.now() - started) / 1000;
  const mainBusy = performance.eventLoopUtilization(elu).utilization;
  const cpuUsed = process.cpuUsage(cpu);
  clearInterval(sampler);
  const again = performance.now();
  const rerun = await gw.ingest([dir], { tenant: 'bench', exclude: ['done'] });
  const rerunSeconds = (performance.now() - again) / 1000;
  await gw.close();
  const bytes = Number(readFileSync(join(dir, 'done'), 'utf8'));
  const row = {
    corpusMB: +(bytes / 1e6).toFixed(1),
    documents: summary.documents.added,
    chunks: summary.chunks,
    tokens: summary.tokens,
    seconds: +seconds.toFixed(1),
    chunksPerSecond: Math.round(summary.chunks / seconds),
    mbPerSecond: +((bytes / 1e6) / seconds).toFixed(2),
    peakRssMB: Math.round(peakRss / 1e6),
    startRssMB: Math.round(startRss / 1e6),
    mainHeapAtPeakMB: Math.round(heapAtPeak / 1e6),
    startHeapMB: Math.round(startHeap / 1e6),
    mainThreadBusy: +mainBusy.toFixed(2),
    processCores: +((cpuUsed.user + cpuUsed.system) / 1e6 / seconds).toFixed(2),
    unchangedRerunSeconds: +rerunSeconds.toFixed(1),
    unchangedOnRerun: rerun.documents.unchanged,
    prepare: summary.prepare,
  };
  return row;
}

// Each size runs in its own child process, so its peak RSS is its own (a process's RSS rarely
// shrinks: sizes run one after another in one process would report the largest so far).
if (args.includes('--child')) {
  process.stdout.write(`${JSON.stringify(await runOne(sizesMb[0]))}\n`);
  process.exit(0);
}
const results = [];
for (const mb of sizesMb) {
  makeCorpus(mb);
  const forwarded = prepareWorkers === undefined ? [] : ['--prepare-workers', String(prepareWorkers)];
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--sizes-mb', String(mb), '--database-url', admin, ...forwarded, '--child'], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) throw new Error(`ingest bench for ${mb} MB failed: ${child.stderr}`);
  const row = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  results.push(row);
  process.stderr.write(`${JSON.stringify(row)}\n`);
}
process.stdout.write(`${JSON.stringify({ bench: 'ingest', target: '>= 2000 chunks/s into PostgreSQL, flat peak RSS', machine: `${cpus().length} cores`, results }, null, 2)}\n`);
