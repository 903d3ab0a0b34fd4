// @ts-check
/**
 * One size of bench/ingest.ts, in its own process (its peak RSS is its own), run by plain node on
 * the compiled code in dist/, as `groundwork ingest` runs: a TypeScript loader in the process
 * (tsx runs its hooks on a thread of their own) would add ~220 MB that is the harness, not ingest.
 *   node bench/ingest-run.mjs '{"dir": "...", "url": "postgres://...", "prepareWorkers"?: n, "heapGrowthPercent"?: n}'
 * Prints one JSON row.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createGroundwork } from '../dist/groundwork.js';
import { limitHeapGrowth } from '../dist/ingest/heap-growth.js';

/** @type {{ dir: string; url: string; prepareWorkers?: number; heapGrowthPercent?: number }} */
const job = JSON.parse(process.argv[2]);
const gw = await createGroundwork({
  config: { databaseUrl: job.url, dataDir: 'memory://', models: { embedder: { provider: 'none' } }, cache: { enabled: false }, ingest: { prepareWorkers: job.prepareWorkers, heapGrowthPercent: job.heapGrowthPercent } },
  useEnvironment: false,
});
limitHeapGrowth(gw.config.ingest.heapGrowthPercent); // as `groundwork ingest` does
const startRss = process.memoryUsage().rss;
const startHeap = process.memoryUsage().heapTotal;
let peakRss = startRss;
// The main thread's V8 heap at the RSS peak (worker threads' heaps are in the RSS, not here).
let heapAtPeak = startHeap;
const sampler = setInterval(() => {
  const memory = process.memoryUsage();
  if (memory.rss > peakRss) [peakRss, heapAtPeak] = [memory.rss, memory.heapTotal];
}, 100);
const started = performance.now();
const elu = performance.eventLoopUtilization();
const cpu = process.cpuUsage();
const summary = await gw.ingest([job.dir], { tenant: 'bench', exclude: ['done'] });
const seconds = (performance.now() - started) / 1000;
const mainBusy = performance.eventLoopUtilization(elu).utilization;
const cpuUsed = process.cpuUsage(cpu);
clearInterval(sampler);
const again = performance.now();
const rerun = await gw.ingest([job.dir], { tenant: 'bench', exclude: ['done'] });
const rerunSeconds = (performance.now() - again) / 1000;
await gw.close();
const bytes = Number(readFileSync(join(job.dir, 'done'), 'utf8'));
process.stdout.write(`${JSON.stringify({
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
  heapGrowthPercent: gw.config.ingest.heapGrowthPercent,
})}\n`);
