import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import type { CliIo } from '../../../src/cli/output.js';
import { parseRankerModel } from '../../../src/retrieve/ranker/ranker-model.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-ranker-cli-'));
const env = { GROUNDWORK_DATA_DIR: join(dir, 'data'), PATH: process.env.PATH };

async function run(argv: string[], expected = 0): Promise<{ out: string; err: string }> {
  const io = { out: '', err: '', isTty: false, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) } satisfies CliIo & { out: string; err: string };
  const code = await main(argv, io, env);
  if (code !== expected) throw new Error(`${argv.join(' ')} exited ${code}: ${io.err}${io.out}`);
  return io;
}

/**
 * A tiny BEIR dataset with a planted signal BM25 misses: per topic, two relevant documents carry the
 * topic's two words in their title and side by side once in the body; two decoys repeat the words
 * apart in a short body, so BM25 ranks the decoys first. Every document shares "report", so every
 * query's candidates hold all documents.
 */
function writePlantedDataset(): string {
  const root = join(dir, 'planted');
  mkdirSync(join(root, 'qrels'), { recursive: true });
  const corpus: string[] = [];
  const queries: string[] = [];
  const qrels = ['query-id\tcorpus-id\tscore'];
  const topics = 24;
  for (let t = 0; t < topics; t++) {
    const [a, b] = [`alpha${String.fromCharCode(97 + (t % 26))}${t}x`, `beta${String.fromCharCode(97 + ((t * 7) % 26))}${t}y`];
    const filler = 'the study followed a cohort over several years and recorded outcomes with standard methods in a report';
    for (const r of [0, 1]) {
      corpus.push(JSON.stringify({ _id: `t${t}-rel${r}`, title: `${a} ${b} findings`, text: `${filler}. We measured ${a} ${b} directly. ${filler}.` }));
      qrels.push(`q${t}\tt${t}-rel${r}\t1`);
    }
    for (const r of [0, 1]) corpus.push(JSON.stringify({ _id: `t${t}-decoy${r}`, title: `notes ${r}`, text: `${a} report ${a} ${a} and ${a}; ${b} then ${b} ${b} report ${b}.` }));
    queries.push(JSON.stringify({ _id: `q${t}`, text: `${a} ${b} report` }));
  }
  // A query that is also a document: eval's ignore_identical_ids drops it from its own hits.
  corpus.push(JSON.stringify({ _id: 'q0', title: 'echo', text: `${'alphaa0x betaa0y report'} echo` }));
  writeFileSync(join(root, 'corpus.jsonl'), `${corpus.join('\n')}\n`);
  writeFileSync(join(root, 'queries.jsonl'), `${queries.join('\n')}\n`);
  writeFileSync(join(root, 'qrels', 'train.tsv'), `${qrels.join('\n')}\n`);
  return root;
}

describe('groundwork ranker train (in-process, PGlite in a temp dir)', { timeout: 300_000 }, () => {
  const dataset = writePlantedDataset();
  const modelPath = join(dir, 'ranker', 'planted.json');

  it('learns the planted signal, beats BM25 and equals or beats the linear baseline, and writes model, card and EXP record', async () => {
    const { out } = await run(['ranker', 'train', '--dataset', dataset, '--split', 'train', '--folds', '3', '--depth', '30', '--mode', 'sparse', '--out', modelPath, '--json']);
    const report = JSON.parse(out);
    expect(report.path).toBe(modelPath);
    expect(report.experiment).toMatch(/^EXP-\d{4}-\d{2}-\d{2}-\d{3}$/);
    expect(report.queries.evaluated).toBe(24);
    expect(report.folds).toBe(3);
    expect(report.ndcgAt10.firstStage.mean).toBeLessThan(0.8);
    expect(report.ndcgAt10.lambdamart.mean).toBeGreaterThan(report.ndcgAt10.firstStage.mean + 0.15);
    expect(report.ndcgAt10.lambdamart.mean).toBeGreaterThanOrEqual(report.ndcgAt10.linear.mean - 0.01);
    expect(report.paired.lambdamartVsFirstStage.pValue).toBeLessThan(0.05);
    const model = parseRankerModel(JSON.parse(readFileSync(modelPath, 'utf8')));
    expect(model.id).toBe(report.id);
    expect(model.model.type).toBe('lambdamart');
    expect(model.featureNames.length).toBeGreaterThan(20);
    expect(readFileSync(report.card, 'utf8')).toMatch(/# Model card: ranker-/);
    const shown = JSON.parse((await run(['eval', 'report', report.experiment, '--json'])).out);
    expect(JSON.stringify(shown)).toContain('ndcg@10_first_stage');
  });

  it('says what is wrong with bad usage', async () => {
    const { err } = await run(['ranker', 'train', '--json'], 2);
    expect(err).toMatch(/--dataset DIR or --golden FILE/);
  });

  it('retrieve.ranker re-orders the candidates: the relevant documents come first', async () => {
    expect(existsSync(modelPath)).toBe(true);
    const config = join(dir, 'ranker.config.json');
    writeFileSync(config, JSON.stringify({ retrieve: { mode: 'sparse', ranker: { model: modelPath, depth: 50 } } }));
    const plain = JSON.parse((await run(['retrieve', 'alphab1x betah1y report', '--tenant', 'eval-planted', '--k', '4', '--explain', '--json'])).out);
    const ranked = JSON.parse((await run(['--config', config, 'retrieve', 'alphab1x betah1y report', '--tenant', 'eval-planted', '--k', '4', '--explain', '--json'])).out);
    const ids = (result: { chunks: Array<{ externalId: string }> }) => result.chunks.map((c) => c.externalId);
    expect(ids(plain).slice(0, 2).every((id: string) => id.includes('decoy'))).toBe(true);
    expect(ids(ranked).slice(0, 2).sort()).toEqual(['t1-rel0', 't1-rel1']);
    expect(ranked.chunks[0].scores.ranker).toBeTypeOf('number');

    writeFileSync(config, JSON.stringify({ retrieve: { ranker: { model: join(dir, 'missing.json') } } }));
    const { err } = await run(['--config', config, 'retrieve', 'x', '--json'], 1);
    expect(err).toMatch(/retrieve\.ranker\.model/);
  });

  it('retrieve.rm3 expands the BM25 query with the feedback documents\' terms', async () => {
    const docs = join(dir, 'rm3-docs');
    mkdirSync(docs, { recursive: true });
    writeFileSync(join(docs, 'one.md'), '# Strength\n\nVitamin D and calcium keep bone strong.\n');
    writeFileSync(join(docs, 'two.md'), '# Uptake\n\nVitamin D helps calcium absorption in bone.\n');
    writeFileSync(join(docs, 'three.md'), '# Mass\n\nCalcium absorption builds bone mass.\n');
    writeFileSync(join(docs, 'four.md'), '# Cats\n\nCats sleep through most of the afternoon.\n');
    await run(['ingest', docs, '--tenant', 'rm3', '--json']);
    const config = join(dir, 'rm3.config.json');
    writeFileSync(config, JSON.stringify({ retrieve: { mode: 'sparse', rm3: { enabled: true, feedbackDocs: 2, feedbackTerms: 5 } } }));
    const ids = (out: string) => JSON.parse(out).chunks.map((c: { externalId: string }) => c.externalId).sort();
    expect(ids((await run(['retrieve', 'vitamin D', '--tenant', 'rm3', '--mode', 'sparse', '--k', '5', '--json'])).out)).toEqual(['one.md', 'two.md']);
    expect(ids((await run(['--config', config, 'retrieve', 'vitamin D', '--tenant', 'rm3', '--k', '5', '--json'])).out)).toEqual(['one.md', 'three.md', 'two.md']);
  });

  it('eval run drops a hit whose document id is the query id, says so, and --keep-identical-ids keeps it', async () => {
    const dropped = JSON.parse((await run(['eval', 'run', '--dataset', dataset, '--split', 'train', '--mode', 'sparse', '--json'])).out);
    expect(dropped.identicalIds).toMatchObject({ ignored: true });
    expect(dropped.identicalIds.dropped).toBeGreaterThanOrEqual(1);
    const kept = JSON.parse((await run(['eval', 'run', '--dataset', dataset, '--split', 'train', '--mode', 'sparse', '--keep-identical-ids', '--json'])).out);
    expect(kept.identicalIds).toMatchObject({ ignored: false, dropped: 0 });
  });
});
