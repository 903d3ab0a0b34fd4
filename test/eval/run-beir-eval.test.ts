import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperimentStore } from '../../src/eval/experiment-store.js';
import { readQrels } from '../../src/eval/qrels.js';
import { beirSourceItems, beirTenant, runBeirEval } from '../../src/eval/run-beir-eval.js';
import { buildExperimentReport } from '../../src/eval/run-report.js';
import { scoreRun } from '../../src/eval/score-run.js';
import { readTrecRun } from '../../src/eval/trec-run.js';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';

const DATASET = join(import.meta.dirname, '..', 'fixtures', 'beir-tiny');
const FAST = { resamples: 1000, codeVersion: 'test' };
// Ideal DCG of a query with grades {2, 1} when only the grade-2 document is found, at rank 1.
const ONE_OF_TWO = 2 / (2 + 1 / Math.log2(3));

let gw: Groundwork;
let dir: string;
beforeAll(async () => {
  gw = await createGroundwork({ config: { dataDir: 'memory://' }, useEnvironment: false });
  dir = await mkdtemp(join(tmpdir(), 'gw-beir-'));
});
afterAll(async () => {
  await gw?.close();
});

describe('runBeirEval on the tiny BEIR fixture (PGlite)', () => {
  let firstId: string;

  it('ingests into eval-<dir>, scores every judged query with hand-checked values, writes a TREC run', async () => {
    const runFile = join(dir, 'run.trec');
    const document = await runBeirEval(gw, { ...FAST, dataset: DATASET, split: 'test', mode: 'sparse', k: 3, runFile, hypothesis: 'BM25 finds them' });
    firstId = document.experimentId;
    expect(document.experimentId).toMatch(/^EXP-\d{4}-\d{2}-\d{2}-\d{3}$/);
    expect(document.tenant).toBe('eval-beir-tiny');
    expect(document.dataset).toMatchObject({ kind: 'beir', split: 'test', queries: 5 });
    expect(document.counts).toMatchObject({ evaluated: 5, documentsAdded: 10, documentsUnchanged: 0, corpusDocuments: 10 });
    // q1 and q3 find only their grade-2 document (at rank 1); q2, q4, q5 find their only one at rank 1.
    expect(document.metrics['ndcg@10'].mean).toBeCloseTo((2 * ONE_OF_TWO + 3) / 5, 10);
    expect(document.metrics['recall@100'].mean).toBeCloseTo(0.8, 12);
    expect(document.metrics['mrr@10'].mean).toBe(1);
    expect(document.metrics['precision@3'].mean).toBeCloseTo(1 / 3, 12);
    expect(document.metrics['ndcg@10'].lower).toBeLessThanOrEqual(document.metrics['ndcg@10'].mean);
    expect(document.latency.n).toBe(5);
    expect(document.verdict).toBe('iterate');

    const run = await readTrecRun(runFile);
    expect([...run.keys()].sort()).toEqual(['q1', 'q2', 'q3', 'q4', 'q5']);
    for (const documents of run.values()) expect(documents.length).toBeLessThanOrEqual(3);
    expect(run.get('q4')![0].docId).toBe('d7');
    // The run file scores like the run itself (eval score agrees with eval run).
    const rescored = scoreRun(run, await readQrels(join(DATASET, 'qrels', 'test.tsv')), { k: 10 });
    expect(rescored.means['ndcg@10']).toBeCloseTo(document.metrics['ndcg@10'].mean, 12);

    const record = await createExperimentStore(gw.db).get(document.experimentId);
    expect(record.hypothesis).toBe('BM25 finds them');
    expect(record.tenant).toBe('eval-beir-tiny');
    expect((record.config.eval as Record<string, unknown>).primaryMetric).toBe('ndcg@10');
    expect((record.config.retrieve as Record<string, unknown>).k1).toBe(gw.config.retrieve.k1);
    const q1 = record.perQuery.find((row) => row.queryId === 'q1')!;
    expect(q1.metrics['ndcg@10']).toBeCloseTo(ONE_OF_TWO, 12);
    expect(q1.details.query).toBe('How do bees tell the hive where flowers are?');
    expect((q1.details.retrieved as Array<{ docId: string; relevant: boolean; text: string }>)[0]).toMatchObject({ docId: 'd1', relevant: true });
    expect((q1.details.retrieved as Array<{ text: string }>)[0].text).toContain('waggle dance');
  });

  it('re-uses the index on a second run and pairs it with the baseline', async () => {
    const document = await runBeirEval(gw, { ...FAST, dataset: DATASET, split: 'test', mode: 'sparse', baselineId: firstId });
    expect(document.counts).toMatchObject({ documentsAdded: 0, documentsUnchanged: 10, chunksWritten: 0 });
    expect(document.comparison?.baselineId).toBe(firstId);
    expect(document.comparison?.queries).toBe(5);
    expect(document.comparison?.metrics['ndcg@10'].meanDifference).toBe(0);
    expect(document.verdict).toBe('iterate');
    expect(document.verdictReason).toMatch(/no significant difference/);

    const report = await buildExperimentReport(createExperimentStore(gw.db), document.experimentId, { resamples: 1000 });
    expect(report.comparison?.perQueryDifferences).toHaveLength(5);
    expect(Object.keys(report.metrics)[0]).toBe('ndcg@10');
    expect(report.worstQueries?.[0]).toMatchObject({ metric: 'ndcg@10' });
    expect(report.worstQueries?.[0].value).toBeCloseTo(ONE_OF_TWO, 12);
    expect(report.worstQueries?.[0].retrieved.length).toBeGreaterThan(0);
    expect(report.latenciesMs).toHaveLength(5);
  });

  it('refuses a baseline over another split, and notes documents that are not in the corpus', async () => {
    await expect(runBeirEval(gw, { ...FAST, dataset: DATASET, split: 'dev', baselineId: firstId })).rejects.toThrow(/another dataset/);
    await gw.ingest([{ document: { externalId: 'stray', source: 'x', title: '', text: 'bees everywhere', format: 'text', metadata: {} } }], { tenant: 'eval-beir-tiny' });
    const document = await runBeirEval(gw, { ...FAST, dataset: DATASET, split: 'dev' });
    expect(document.notices.join('\n')).toMatch(/1 documents that are not in/);
    expect(document.dataset.queries).toBe(2);
  });

  it('names tenants and sources from the dataset directory', () => {
    expect(beirTenant('/data/BEIR sets/scifact')).toBe('eval-scifact');
    expect(beirTenant('/data/trec covid+v2/')).toBe('eval-trec_covid_v2');
    expect(beirTenant(`/x/${'a'.repeat(100)}`)).toHaveLength(64);
    const [item] = [...beirSourceItems({ dir: '/d/scifact', corpus: [{ _id: '42', title: 'T', text: 'body', metadata: { year: 2001 } }] })];
    expect(item).toEqual({ document: { externalId: '42', source: 'beir:scifact/42', title: 'T', text: 'body', format: 'text', metadata: { year: 2001 } } });
  });
});
