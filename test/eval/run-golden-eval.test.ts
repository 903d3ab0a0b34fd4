import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperimentStore } from '../../src/eval/experiment-store.js';
import { routerTrainingRows } from '../../src/eval/calibrate-refusal.js';
import { runGoldenEval } from '../../src/eval/run-golden-eval.js';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import type { SourceItem } from '../../src/ingest/pipeline.js';

const FAST = { resamples: 1000, codeVersion: 'test' };
const DOCS: Array<[string, string, string]> = [
  ['travel.md', 'Travel Policy', 'Employees travelling overnight receive a flat per diem of EUR 60 per day for meals. Hotels in London are capped at EUR 240 per night.'],
  ['security.md', 'Security Policy', 'Laptops must use full-disk encryption. Screens lock automatically after five minutes of inactivity.'],
  ['support.md', 'Support SLA', 'Priority one tickets receive a first response within 30 minutes, around the clock.'],
];
const GOLDEN = [
  { id: 'a1', question: 'How much is the per diem for meals when travelling overnight?', reference_answer: 'EUR 60 per day', relevant_doc_ids: ['travel.md'], answerable: true, segment: 'numeric' },
  { id: 'a2', question: 'After how many minutes of inactivity do laptop screens lock?', reference_answer: 'five minutes', relevant_doc_ids: ['security.md'], answerable: true, segment: 'numeric' },
  { id: 'a3', question: 'How fast is the first response to priority one tickets?', reference_answer: 'within 30 minutes', relevant_doc_ids: ['support.md'], answerable: true, segment: 'factual' },
  { id: 'u1', question: 'Who founded the company in 1887?', answerable: false, segment: 'unanswerable' },
  { id: 'u2', question: 'What colour is the office cafeteria?', answerable: false, segment: 'unanswerable' },
];
const items = (): SourceItem[] => DOCS.map(([externalId, title, text]) => ({ document: { externalId, source: `/docs/${externalId}`, title, text, format: 'text', metadata: {} } }));

let goldenPath: string;
const open: Groundwork[] = [];
beforeAll(async () => {
  goldenPath = join(await mkdtemp(join(tmpdir(), 'gw-golden-')), 'golden.jsonl');
  await writeFile(goldenPath, GOLDEN.map((item) => JSON.stringify(item)).join('\n'));
});
afterAll(async () => {
  for (const gw of open) await gw.close();
});

describe('runGoldenEval (PGlite)', () => {
  it('scores retrieval, answers and refusals, with segments and a fitted refusal threshold', async () => {
    const gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 'team' }, useEnvironment: false });
    open.push(gw);
    await gw.ingest(items());
    const document = await runGoldenEval(gw, { ...FAST, golden: goldenPath });
    expect(document.tenant).toBe('team');
    expect(document.primaryMetric).toBe('answer_accuracy');
    expect(document.dataset).toMatchObject({ kind: 'golden', queries: 5 });
    expect(document.metrics['ndcg@10'].n).toBe(3);
    expect(document.metrics['mrr@10'].mean).toBe(1);
    expect(document.metrics['false_refusal_rate'].n).toBe(3);
    expect(document.metrics['refusal_accuracy'].n).toBe(2);
    expect(document.metrics['answer_accuracy'].n).toBe(5);
    expect(document.segments?.map((s) => [s.segment, s.n])).toEqual([['factual', 1], ['numeric', 2], ['unanswerable', 2]]);
    expect(document.refusalCalibration).toMatchObject({ current: gw.config.generate.refusalThreshold, rows: 5 });

    const record = await createExperimentStore(gw.db).get(document.experimentId);
    const a1 = record.perQuery.find((row) => row.queryId === 'a1')!;
    expect(a1.details).toMatchObject({ answerable: true, refused: false, correct: true, citedDocuments: ['travel.md'], segment: 'numeric' });
    expect(a1.metrics).toMatchObject({ answer_accuracy: 1, reference_recall: 1, citation_precision: 1, 'ndcg@10': 1 });
    expect(typeof a1.details.confidence).toBe('number');
    // The extractive answerer is free: the ledger has its calls at $0, and the cost section says so.
    const ledger = await gw.db.query<{ n: number }>('SELECT count(*)::int AS n FROM cost_ledger WHERE request_id = $1', [a1.details.requestId]);
    expect(ledger.rows[0].n).toBeGreaterThan(0);
    expect(a1.details.costUsd).toBe(0);
    expect(document.latency.cost).toEqual({ n: 5, totalUsd: 0, meanUsd: 0, p50Usd: 0, p95Usd: 0, maxUsd: 0 });
    expect(document.latency.n).toBe(5);
    expect(document.latency.p95Ms).toBeGreaterThanOrEqual(document.latency.p50Ms);
    expect(document.judge).toBeUndefined();
    expect(document.metrics.judge_groundedness).toBeUndefined();
    // What `router train` reads back: (confidence, answerable, correct) per question.
    const training = routerTrainingRows(
      record.perQuery.map((row) => ({ confidence: row.details.confidence as number, answerable: row.details.answerable as boolean, correct: row.details.correctIfAnswered as boolean })),
    );
    expect(training.filter((row) => row.success).length).toBeGreaterThanOrEqual(2);
  });

  it('under a refusal threshold that refuses everything, judges answers as if answered and fits a lower threshold', async () => {
    const gw = await createGroundwork({ config: { dataDir: 'memory://', generate: { refusalThreshold: 1 } }, useEnvironment: false });
    open.push(gw);
    await gw.ingest(items());
    const document = await runGoldenEval(gw, { ...FAST, golden: goldenPath });
    expect(document.metrics['false_refusal_rate'].mean).toBe(1);
    expect(document.metrics['refusal_accuracy'].mean).toBe(1);
    expect(document.counts.counterfactualAnswers).toBe(3);
    expect(document.refusalCalibration!.current).toBe(1);
    expect(document.refusalCalibration!.threshold).toBeLessThan(1);
    expect(document.refusalCalibration!.best.answered).toBeGreaterThan(0);
    const record = await createExperimentStore(gw.db).get(document.experimentId);
    const a1 = record.perQuery.find((row) => row.queryId === 'a1')!;
    expect(a1.details).toMatchObject({ refused: true, refusalReason: 'low-confidence', correct: false, correctIfAnswered: true });
  });

  it('writes one JSON line per question with --answers-file, and reports containment and document-level citation precision', async () => {
    const gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 'team' }, useEnvironment: false });
    open.push(gw);
    await gw.ingest(items());
    const answersFile = join(await mkdtemp(join(tmpdir(), 'gw-answers-')), 'answers.jsonl');
    const document = await runGoldenEval(gw, { ...FAST, golden: goldenPath, answersFile });
    expect(document.answersFile).toBe(answersFile);
    expect(document.metrics.answer_containment.n).toBe(3);
    expect(document.metrics.citation_doc_precision.n).toBeGreaterThan(0);
    const lines = (await readFile(answersFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.id)).toEqual(GOLDEN.map((item) => item.id));
    const a1 = lines[0];
    expect(Object.keys(a1).sort()).toEqual(['answer', 'answerabilityScore', 'citations', 'id', 'latencyMs', 'question', 'refused', 'refusalReason', 'retrievalConfidence', 'version'].sort());
    expect(a1).toMatchObject({ version: 1, id: 'a1', refused: false, refusalReason: null });
    expect(a1.citations[0]).toMatchObject({ documentId: 'travel.md' });
    expect(a1.citations[0].quote).toContain('EUR 60 per day');
    expect(typeof a1.latencyMs).toBe('number');
    const refused = lines.filter((line) => line.refused);
    for (const line of refused) expect(line).toMatchObject({ citations: [], refusalReason: expect.any(String) });
  });

  it('warns when the tenant is empty or lacks the relevant documents', async () => {
    const gw = open[0];
    const document = await runGoldenEval(gw, { ...FAST, golden: goldenPath, tenant: 'nobody' });
    expect(document.notices.join('\n')).toMatch(/tenant nobody has no documents/);
    expect(document.metrics['ndcg@10'].mean).toBe(0);
  });
});
