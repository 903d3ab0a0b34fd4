import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DATASET = join(ROOT, 'test', 'fixtures', 'beir-tiny');
const dir = mkdtempSync(join(tmpdir(), 'gw-eval-cli-'));
const env = { GROUNDWORK_DATA_DIR: join(dir, 'data'), PATH: process.env.PATH };

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', isTty: false, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

async function run(argv: string[], expectedCode = 0): Promise<{ out: string; err: string }> {
  const io = capture();
  const code = await main(argv, io, env);
  if (code !== expectedCode) throw new Error(`${argv.join(' ')} exited ${code}: ${io.err}${io.out}`);
  return io;
}

describe('groundwork eval (in-process, PGlite in a temp dir)', { timeout: 240_000 }, () => {
  const ids: Record<string, string> = {};

  it('eval run --dataset: one JSON document, a TREC run file, an experiment id', async () => {
    const runFile = join(dir, 'run.trec');
    const { out } = await run(['eval', 'run', '--dataset', DATASET, '--split', 'test', '--mode', 'sparse', '--k', '5', '--run-file', runFile, '--hypothesis', 'BM25 baseline', '--json']);
    const document = JSON.parse(out);
    ids.first = document.experimentId;
    expect(document.experimentId).toMatch(/^EXP-\d{4}-\d{2}-\d{2}-001$/);
    expect(document.dataset).toMatchObject({ path: DATASET, split: 'test', queries: 5 });
    expect(document.dataset.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Object.keys(document.metrics)).toEqual(expect.arrayContaining(['ndcg@10', 'recall@100', 'mrr@10', 'ndcg@5']));
    for (const metric of Object.values(document.metrics) as Array<{ mean: number; lower: number; upper: number }>) {
      expect(metric.lower).toBeLessThanOrEqual(metric.mean);
      expect(metric.upper).toBeGreaterThanOrEqual(metric.mean);
    }
    expect(document.counts).toMatchObject({ evaluated: 5, documentsAdded: 10 });
    expect(document.verdict).toBe('iterate');
    expect(document.runFile).toBe(runFile);
    expect(typeof document.durationMs).toBe('number');
    const lines = readFileSync(runFile, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^q1 Q0 d1 1 [\d.]+ groundwork$/);

    const scored = JSON.parse((await run(['eval', 'score', '--run', runFile, '--qrels', join(DATASET, 'qrels', 'test.tsv'), '--json'])).out);
    expect(scored.metrics['ndcg@10'].mean).toBeCloseTo(document.metrics['ndcg@10'].mean, 12);
    expect(scored.perQuery).toHaveLength(5);
  });

  it('eval run again with --config and --baseline: reuses the index, records the config, compares (human output)', async () => {
    const configFile = join(dir, 'lucene.json');
    writeFileSync(configFile, JSON.stringify({ retrieve: { k1: 1.2, b: 0.75 } }));
    const { out } = await run(['eval', 'run', '--dataset', DATASET, '--split', 'test', '--mode', 'sparse', '--config', configFile, '--baseline', ids.first]);
    ids.second = /^(EXP-\S+):/.exec(out)![1];
    expect(out).toMatch(/ndcg@10/);
    expect(out).toMatch(new RegExp(`comparison with ${ids.first} \\(5 shared queries\\)`));
    expect(out).toMatch(/verdict: (iterate|promoted|archived) \(/);

    const listed = JSON.parse((await run(['eval', 'list', '--json'])).out).experiments;
    const second = listed.find((e: { id: string }) => e.id === ids.second);
    expect(second).toMatchObject({ baselineId: ids.first, queryCount: 5, tenant: 'eval-beir-tiny', counts: { documentsAdded: 0, documentsUnchanged: 10 } });
    expect(second.config.retrieve).toMatchObject({ k1: 1.2, b: 0.75 });
    expect(second.config.dataDir).toBe(env.GROUNDWORK_DATA_DIR);
  });

  it('eval run --golden over the ingested sample corpus: answer metrics, segments, fitted refusal threshold', async () => {
    await run(['ingest', join(ROOT, 'samples', 'corpus'), '--json']);
    const answersFile = join(dir, 'answers.jsonl');
    const document = JSON.parse((await run(['eval', 'run', '--golden', join(ROOT, 'samples', 'golden.jsonl'), '--answers-file', answersFile, '--json'])).out);
    ids.golden = document.experimentId;
    expect(document.answersFile).toBe(answersFile);
    const answers = readFileSync(answersFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(answers).toHaveLength(126);
    expect(answers[0]).toMatchObject({ version: 1, id: 'gq-001' });
    // The packaged answer-or-refuse model decides by default: every line carries its score.
    expect(answers.every((line) => typeof line.answerabilityScore === 'number' && line.answerabilityScore >= 0 && line.answerabilityScore <= 1)).toBe(true);
    for (const name of ['answer_containment', 'citation_doc_precision']) expect(document.metrics[name]).toBeDefined();
    expect(document.primaryMetric).toBe('answer_accuracy');
    expect(document.counts).toMatchObject({ evaluated: 126, unanswerable: 33 });
    expect(document.metrics.refusal_accuracy.n).toBe(33);
    expect(document.metrics.false_refusal_rate.n).toBe(93);
    expect(document.metrics['ndcg@10'].mean).toBeGreaterThan(0.5);
    for (const name of ['citation_precision', 'citation_recall', 'groundedness', 'token_f1', 'exact_match']) expect(document.metrics[name]).toBeDefined();
    expect(document.refusalCalibration.threshold).toBeGreaterThanOrEqual(0);
    expect(document.refusalCalibration.rows).toBe(126);
    expect(document.segments.map((s: { segment: string }) => s.segment)).toContain('unanswerable');
    expect(document.latency.n).toBe(126);
    // The offline extractive answerer costs nothing: the ledger's figures, summarized beside latency.
    expect(document.latency.cost).toMatchObject({ n: 126, meanUsd: 0, p50Usd: 0, p95Usd: 0 });
    expect(document.judge).toBeUndefined();
  });

  it('eval compare, eval list and eval report (markdown and HTML with charts and worst queries)', async () => {
    const comparison = JSON.parse((await run(['eval', 'compare', ids.first, ids.second, '--json'])).out);
    expect(comparison).toMatchObject({ a: ids.first, b: ids.second, queries: 5, onlyInA: 0, onlyInB: 0 });
    expect(comparison.metrics['ndcg@10'].n).toBe(5);
    expect((await run(['eval', 'compare', ids.first, ids.second])).out).toMatch(/ndcg@10/);

    const table = (await run(['eval', 'list'])).out;
    for (const id of Object.values(ids)) expect(table).toContain(id);

    const html = join(dir, 'report.html');
    const { out, err } = await run(['eval', 'report', ids.second, '--html', html]);
    expect(out).toMatch(new RegExp(`^# groundwork eval ${ids.second}`));
    expect(out).toMatch(/## Comparison with/);
    expect(out).toMatch(/## Worst 5 queries/);
    expect(err).toContain(html);
    const page = readFileSync(html, 'utf8');
    for (const id of ['metric-bars', 'difference-plot', 'latency-histogram', 'worst-queries']) expect(page).toContain(`id="${id}"`);
    expect(page).toContain('waggle dance');

    const golden = JSON.parse((await run(['eval', 'report', ids.golden, '--json'])).out);
    expect(golden.report.worstQueries).toHaveLength(50);
    expect(golden.report.segments.length).toBeGreaterThan(1);
  });

  it('bad usage exits 2; bad input exits 1 with the field named', async () => {
    const none = capture();
    expect(await main(['eval', 'run', '--json'], none, env)).toBe(2);
    expect(JSON.parse(none.out).error.message).toMatch(/exactly one of --dataset DIR or --golden FILE/);
    const both = capture();
    expect(await main(['eval', 'run', '--dataset', DATASET, '--golden', 'g.jsonl'], both, env)).toBe(2);
    const badId = capture();
    expect(await main(['eval', 'report', 'EXP-1', '--json'], badId, env)).toBe(2);
    expect(JSON.parse(badId.out).error.message).toMatch(/EXP-YYYY-MM-DD-NNN/);
    const missing = capture();
    expect(await main(['eval', 'run', '--dataset', join(dir, 'nope'), '--json'], missing, env)).toBe(1);
    expect(JSON.parse(missing.out).error).toMatchObject({ code: 'INPUT', details: { field: 'dataset' } });
    const judgeDataset = capture();
    expect(await main(['eval', 'run', '--dataset', DATASET, '--judge', '--json'], judgeDataset, env)).toBe(2);
    expect(JSON.parse(judgeDataset.out).error.message).toMatch(/--judge applies to --golden only/);
    const answersOnDataset = capture();
    expect(await main(['eval', 'run', '--dataset', DATASET, '--answers-file', 'a.jsonl', '--json'], answersOnDataset, env)).toBe(2);
    expect(JSON.parse(answersOnDataset.out).error.message).toMatch(/--answers-file applies to --golden only/);
    const repeatsAlone = capture();
    expect(await main(['eval', 'run', '--golden', 'g.jsonl', '--judge-repeats', '3', '--json'], repeatsAlone, env)).toBe(2);
    expect(JSON.parse(repeatsAlone.out).error.message).toMatch(/--judge-repeats needs --judge/);
    const badRepeats = capture();
    expect(await main(['eval', 'run', '--golden', 'g.jsonl', '--judge', '--judge-repeats', '0', '--json'], badRepeats, env)).toBe(2);
    const offline = capture();
    expect(await main(['eval', 'run', '--golden', join(ROOT, 'samples', 'golden.jsonl'), '--judge', '--json'], offline, env)).toBe(1);
    const offlineError = JSON.parse(offline.out).error;
    expect(offlineError).toMatchObject({ code: 'INPUT', details: { field: 'judge' } });
    expect(offlineError.message).toMatch(/judge mode needs an LLM provider.*generate\.provider.*generate\.model/);
    const unknown = capture();
    expect(await main(['eval', 'report', 'EXP-2001-01-01-001', '--json'], unknown, env)).toBe(1);
    expect(JSON.parse(unknown.out).error.code).toBe('NOT_FOUND');
  });
});
