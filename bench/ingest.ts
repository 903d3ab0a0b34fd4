/**
 * End-to-end ingest throughput into PostgreSQL without embeddings, from files on disk (loaders,
 * markdown chunker with tiktoken counts, BM25 postings), and peak RSS as the corpus grows.
 *   node --import tsx bench/ingest.ts [--sizes-mb 10,100] [--database-url URL] [--prepare-workers N] [--heap-growth-percent N] [--no-build]
 * The corpus is Markdown files of ~200 KB built from SciFact abstracts (one section per abstract),
 * generated once under .bench/ingest-<MB>mb/. Each size runs in its own process (peak RSS is that
 * run's own). Chunking and BM25 analysis run on ingest.prepareWorkers worker threads (default:
 * the pipeline's own choice; 0 = the main thread). Prints one JSON document; besides speed and peak
 * RSS each row says where the memory and time went: RSS and main-thread heap before the ingest and
 * at the RSS peak, the main thread's event-loop utilization, and the cores this process used
 * (main thread plus workers; PostgreSQL's share is the rest of the machine).
 * It measures what `groundwork ingest` runs: the compiled code in dist/ (built first; `--no-build`
 * skips that), with the command's heap setting (ingest.heapGrowthPercent, default 25;
 * `--heap-growth-percent 0` leaves V8's own). Under tsx the same run starts ~220 MB higher (its
 * compiled sources), which is the harness, not ingest.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
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
const heapGrowthPercent = args.includes('--heap-growth-percent') ? Number(flag('--heap-growth-percent', '')) : undefined;
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

if (!args.includes('--no-build')) {
  const build = spawnSync('npm', ['run', 'build'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stdout}${build.stderr}`);
}
const results = [];
// Each size runs in its own child process (bench/ingest-run.mjs), so its peak RSS is its own (a
// process's RSS rarely shrinks: sizes run one after another in one process would report the
// largest so far).
for (const mb of sizesMb) {
  const job = { dir: makeCorpus(mb), url: await benchDatabase(`gw_bench_ingest_${mb}`, { admin }), prepareWorkers, heapGrowthPercent };
  // Plain node on the compiled code, as `groundwork ingest` runs: no TypeScript loader in the process.
  const child = spawnSync(process.execPath, [fileURLToPath(new URL('./ingest-run.mjs', import.meta.url)), JSON.stringify(job)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) throw new Error(`ingest bench for ${mb} MB failed: ${child.stderr}`);
  const row = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  results.push(row);
  process.stderr.write(`${JSON.stringify(row)}\n`);
}
process.stdout.write(`${JSON.stringify({ bench: 'ingest', target: '>= 2000 chunks/s into PostgreSQL, flat peak RSS', machine: `${cpus().length} cores`, results }, null, 2)}\n`);
