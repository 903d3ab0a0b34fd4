import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperimentStore } from '../../src/eval/experiment-store.js';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { createArmServing, type ArmServing } from '../../src/registry/arm-middleware.js';
import { registryOptionsSchema } from '../../src/registry/registry-options.js';
import { feedbackJudgments } from '../../src/registry/retrain-ranker-from-feedback.js';
import { runRetrainingPipeline } from '../../src/registry/retraining-pipeline.js';
import { drainRetraining, queueDueRetraining } from '../../src/registry/retraining-queue.js';
import { parseRankerModel } from '../../src/retrieve/ranker/ranker-model.js';
import { createApp } from '../../src/server/create-app.js';
import { FACTS, UNANSWERABLE, goldenLines, handbookItems, handbookQuestion } from './serving-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-retrain-ranker-'));
const golden = join(dir, 'golden.jsonl');

describe('retraining the ranker from feedback (real HTTP app, PGlite)', { timeout: 300_000 }, () => {
  let gw: Groundwork;
  let arms: ArmServing;
  let app: ReturnType<typeof createApp>;
  /** Request id -> the documents the answer the user saw cited. */
  const cited = new Map<string, string[]>();
  const corrected = new Map<string, string>();
  beforeAll(async () => {
    writeFileSync(golden, goldenLines());
    gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 'acme', cache: { enabled: false }, generate: { refusalThreshold: 0 } }, useEnvironment: false });
    await gw.ingest(handbookItems());
    arms = createArmServing(gw, { refreshMs: 0, log: () => undefined, keepQuestions: true });
    app = createApp(gw, { server: { auth: false }, log: false, arms });
    const post = (path: string, body: unknown) => app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const rate = async (requestId: string, rating: 'up' | 'down', correctAnswer?: string) => expect((await post('/v1/feedback', { requestId, rating, correctAnswer })).status).toBe(201);
    // Eight answers rated up: half asked as JSON, half streamed (both keep what they cited).
    for (const [i, fact] of FACTS.slice(0, 8).entries()) {
      const stream = i % 2 === 1;
      const res = await post('/v1/ask', { question: handbookQuestion(fact.question), stream });
      expect(res.status).toBe(200);
      const requestId = res.headers.get('x-request-id')!;
      let citations: Array<{ externalId: string }>;
      if (stream) {
        const block = (await res.text()).split('\n\n').find((b) => b.includes('event: citations'))!;
        citations = (JSON.parse(block.split('\n').find((l) => l.startsWith('data: '))!.slice(6)) as { citations: Array<{ externalId: string }> }).citations;
      } else {
        citations = ((await res.json()) as { citations: Array<{ externalId: string }> }).citations;
      }
      expect(citations.length, fact.question).toBeGreaterThan(0);
      cited.set(requestId, [...new Set(citations.map((c) => c.externalId))]);
      await rate(requestId, 'up');
    }
    // Two rated down with the right answer, which one document holds; one with an answer no document holds; one without any.
    for (const [fact, correct] of [
      [FACTS[8], FACTS[8].answer],
      [FACTS[9], FACTS[9].answer],
      [FACTS[10], 'within ninety business days'],
      [FACTS[11], undefined],
    ] as const) {
      const res = await post('/v1/ask', { question: handbookQuestion(fact.question) });
      const requestId = res.headers.get('x-request-id')!;
      if (correct === FACTS[8].answer || correct === FACTS[9].answer) corrected.set(requestId, fact.id);
      await rate(requestId, 'down', correct);
    }
    // A refusal-worthy question answered and rated down without an answer: it judges nothing.
    await rate((await post('/v1/ask', { question: UNANSWERABLE[0] })).headers.get('x-request-id')!, 'down');
  });
  afterAll(async () => {
    await arms?.close();
    await gw?.close();
  });

  it('judges documents from feedback: an answer rated up, its cited documents; a correct answer, the documents containing it', async () => {
    const judgments = await feedbackJudgments(gw.db, 'acme', new Date(0));
    const byRequest = new Map(judgments.rows.map((row) => [row.requestId, row]));
    expect(judgments.rows).toHaveLength(10);
    for (const [requestId, documents] of cited) expect(byRequest.get(requestId)).toMatchObject({ relevant: documents, rule: 'up on an answer: its cited documents' });
    for (const [requestId, document] of corrected) expect(byRequest.get(requestId)).toMatchObject({ relevant: [document], rule: 'down with a correct answer: documents containing it' });
    expect(judgments.skipped).toEqual({ 'correct answer found in no document': 1, 'down without a correct answer': 2 });
    expect(judgments.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('retrains the ranker on feedback and golden judgments: a dev entry with its model, card and EXP record, gated against production', async () => {
    const result = await runRetrainingPipeline(gw, arms.registry, { kind: 'ranker', tenant: 'acme', since: new Date(0), golden, outDir: dir, approve: true, loadRequests: 8, loadConcurrency: 2, loadMaxP95Ms: 60_000, codeVersion: 'test' });
    const { entry, experimentId, modelPath, modelCardPath } = result.candidate;
    expect(entry).toMatchObject({ tenant: 'acme', kind: 'ranker', name: 'ranker-feedback', version: '1.0.0', experimentIds: [experimentId], artifactPath: modelPath, modelCardPath });
    expect(entry.overrides).toEqual({ retrieve: { ranker: { model: modelPath, depth: 100 } } });
    expect(entry.datasetHashes['feedback:acme']).toMatch(/^sha256:[0-9a-f]{64}$/);
    const model = parseRankerModel(JSON.parse(readFileSync(modelPath, 'utf8')));
    expect(model.training.sources).toEqual([`golden:feedback:acme+${golden}`]);
    // Twelve golden questions and ten rated ones (asked in other words): 22 judged queries.
    expect(result.candidate.labels).toMatchObject({ rows: 10, queries: 22 });
    expect(readFileSync(modelCardPath, 'utf8')).toMatch(/## Feedback of acme\n\nRetrained from 10 rated questions/);
    const experiment = await createExperimentStore(gw.db).get(experimentId);
    expect(experiment.config).toMatchObject({ trigger: 'retraining from feedback', feedbackJudgments: 10, rankerId: model.id });
    expect(experiment.counts.queries).toBe(22);
    // The gate ran the candidate (the ranker on) against production (the base configuration) on the golden set.
    expect(result.gate?.gateRecordId).toBeGreaterThan(0);
    expect((await arms.registry.latestGate(entry))?.id).toBe(result.gate?.gateRecordId);
    if (result.gate?.passed) {
      expect(result).toMatchObject({ stage: 'canary', canary: { kind: 'canary', entryKind: 'ranker', treatmentEntryId: entry.id, treatmentShare: 0.05 } });
    } else {
      expect(result.stage).toBe('dev');
      expect(result.stoppedBecause).toMatch(/eval gate failed/);
    }
  });

  it('the schedule queues one run per configured kind, and a worker drains the ranker\'s', async () => {
    const options = registryOptionsSchema.parse({ retraining: { enabled: true, kinds: ['ranker'], golden, approve: true, loadRequests: 8 } }).retraining;
    const queued = await queueDueRetraining(gw.db, options, new Date());
    expect(queued.map((r) => [r.tenant, r.kind, r.trigger])).toEqual([['acme', 'ranker', 'schedule']]);
    await arms.registry.db.query(`UPDATE registry_rollouts SET status = 'stopped' WHERE tenant = 'acme' AND status = 'running'`);
    const done = await drainRetraining({ base: gw, registry: arms.registry, options, workerId: 'test', log: () => undefined, outDir: dir });
    expect(done).toHaveLength(1);
    expect(done[0].error).toBeUndefined();
    expect(done[0].result).toMatchObject({ kind: 'ranker', stage: expect.stringMatching(/^(dev|staging|canary)$/) });
    const second = await arms.registry.get((done[0].result as { entryId: number }).entryId);
    expect(second).toMatchObject({ kind: 'ranker', version: '1.1.0' });
    // Both kinds configured: each is due on its own clock (the answerability model has never run).
    const both = registryOptionsSchema.parse({ retraining: { enabled: true, kinds: ['answerability-model', 'ranker'] } }).retraining;
    expect((await queueDueRetraining(gw.db, both, new Date())).map((r) => r.kind)).toEqual(['answerability-model']);
  });
});
