/**
 * `groundwork eval run --dataset <scifact> --split train --mode sparse` end to end, on PGlite (the
 * default) and on PostgreSQL: wall time of the first run (with ingest) and of a second run that
 * re-uses the index, the metric table with 95% bootstrap intervals, and per-query retrieval
 * latency p50/p95. Prints one JSON document.
 *   node --import tsx bench/scifact.ts [--dataset DIR] [--split NAME] [--only pglite|postgres]
 * Each run opens groundwork, evaluates and closes it, as the command does (same code path as
 * `eval run`: runBeirEval); PGlite starts in a fresh temp dir, PostgreSQL in a freshly created
 * database (postgres://postgres@127.0.0.1:5432/gw_bench_scifact_eval).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ConfigInput } from '../src/config/schema.js';
import { runBeirEval } from '../src/eval/run-beir-eval.js';
import type { EvalRunDocument } from '../src/eval/run-eval-types.js';
import { createGroundwork } from '../src/groundwork.js';
import { benchDatabase } from './bench-database.js';

const POSTGRES_DATABASE = 'gw_bench_scifact_eval';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: '/work/shared/datasets/scifact' },
    split: { type: 'string', default: 'train' },
    only: { type: 'string' },
  },
});

async function freshPostgres(): Promise<string> {
  return benchDatabase(POSTGRES_DATABASE);
}

async function evalRun(config: ConfigInput, baselineId?: string): Promise<{ wallMs: number; document: EvalRunDocument }> {
  const started = performance.now();
  const gw = await createGroundwork({ config, useEnvironment: false });
  try {
    const document = await runBeirEval(gw, { dataset: values.dataset!, split: values.split, mode: 'sparse', baselineId });
    return { wallMs: performance.now() - started, document };
  } finally {
    await gw.close();
  }
}

function summary(run: { wallMs: number; document: EvalRunDocument }) {
  const { document } = run;
  return {
    experimentId: document.experimentId,
    wallSeconds: Math.round(run.wallMs / 100) / 10,
    ingestSeconds: Math.round((document.counts.ingestMs ?? 0) / 100) / 10,
    documentsAdded: document.counts.documentsAdded,
    documentsUnchanged: document.counts.documentsUnchanged,
    queryLatencyMs: { p50: document.latency.p50Ms, p95: document.latency.p95Ms, mean: document.latency.meanMs, max: document.latency.maxMs },
    verdict: document.verdict,
  };
}

async function bench(name: 'pglite' | 'postgres', config: ConfigInput) {
  const first = await evalRun(config);
  const second = await evalRun(config, first.document.experimentId);
  const metrics = Object.fromEntries(
    Object.entries(first.document.metrics).map(([metric, m]) => [metric, { mean: round(m.mean), lower: round(m.lower), upper: round(m.upper), n: m.n }]),
  );
  return {
    driver: name,
    queries: first.document.dataset.queries,
    evaluated: first.document.counts.evaluated,
    chunks: first.document.counts.chunksWritten,
    firstRun: summary(first),
    secondRun: { ...summary(second), sameMetrics: second.document.metrics['ndcg@10'].mean === first.document.metrics['ndcg@10'].mean },
    metrics,
  };
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

const results = [];
const scratch = await mkdtemp(join(tmpdir(), 'gw-bench-scifact-'));
try {
  if (values.only !== 'postgres') results.push(await bench('pglite', { dataDir: join(scratch, 'data') }));
  if (values.only !== 'pglite') results.push(await bench('postgres', { databaseUrl: await freshPostgres() }));
} finally {
  await rm(scratch, { recursive: true, force: true });
}
console.log(
  JSON.stringify(
    {
      bench: 'scifact-eval-run',
      command: `groundwork eval run --dataset ${values.dataset} --split ${values.split} --mode sparse`,
      results,
      note: 'machine shared with other engineers (2 cores, load varies): wall times and latencies are indicative only',
    },
    null,
    2,
  ),
);
