import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperimentStore } from '../../src/eval/experiment-store.js';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { createMonitor, type Monitor } from '../../src/monitor/monitor-service.js';
import { createArmServing, type ArmServing } from '../../src/registry/arm-middleware.js';
import { registryOptionsSchema } from '../../src/registry/registry-options.js';
import { feedbackLabels } from '../../src/registry/retrain-from-feedback.js';
import { runRetrainingPipeline } from '../../src/registry/retraining-pipeline.js';
import { drainRetraining, queueDueRetraining } from '../../src/registry/retraining-queue.js';
import { createApp } from '../../src/server/create-app.js';
import { FACTS, UNANSWERABLE, factItems, goldenLines } from './serving-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-retrain-'));
const golden = join(dir, 'golden.jsonl');

describe('retraining from feedback (real HTTP app, PGlite)', { timeout: 300_000 }, () => {
  let gw: Groundwork;
  let arms: ArmServing;
  let monitor: Monitor;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    writeFileSync(golden, goldenLines());
    // Every question answered (threshold 0): the ratings say which answers were right.
    gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 'acme', cache: { enabled: false }, generate: { refusalThreshold: 0 } }, useEnvironment: false });
    await gw.ingest(factItems());
    arms = createArmServing(gw, { refreshMs: 0, log: () => undefined, keepQuestions: true });
    monitor = createMonitor({ db: gw.db, options: gw.config.monitor, log: () => undefined });
    app = createApp(gw, { server: { auth: false }, log: false, arms, monitor });
    const post = (path: string, body: unknown) => app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    // Users ask; they rate the right answers up, and for questions the documents cannot answer, a
    // refusal up (it was right) and an answer down (it was wrong, and they know no right one).
    for (const [i, question] of [...FACTS.map((f) => f.question), ...UNANSWERABLE].entries()) {
      const res = await post('/v1/ask', { question });
      expect(res.status).toBe(200);
      const requestId = res.headers.get('x-request-id')!;
      const { refused } = (await res.json()) as { refused: boolean };
      const rating = i < FACTS.length ? 'up' : refused ? 'up' : 'down';
      expect((await post('/v1/feedback', { requestId, rating })).status).toBe(201);
    }
    await monitor.telemetry.flush();
  });
  afterAll(async () => {
    await monitor?.close();
    await arms?.close();
    await gw?.close();
  });

  it('labels the feedback, retrains, and yields a candidate entry with its EXP record and model card, gated against production', async () => {
    const labels = await feedbackLabels(gw.db, 'acme', new Date(0));
    expect(labels.rows.filter((r) => r.answerable)).toHaveLength(FACTS.length);
    expect(labels.rows.filter((r) => !r.answerable)).toHaveLength(UNANSWERABLE.length);
    for (const row of labels.rows) expect(['up on an answer', 'up on a refusal', 'down on an answer, no right one']).toContain(row.rule);

    const result = await runRetrainingPipeline(gw, arms.registry, { tenant: 'acme', since: new Date(0), golden, outDir: dir, approve: true, loadRequests: 8, loadConcurrency: 2, loadMaxP95Ms: 60_000, codeVersion: 'test' });
    const { entry, experimentId, modelPath, modelCardPath } = result.candidate;
    expect(entry).toMatchObject({ tenant: 'acme', kind: 'answerability-model', name: 'answerability-feedback', version: '1.0.0', experimentIds: [experimentId], artifactPath: modelPath, modelCardPath });
    expect(entry.overrides).toEqual({ generate: { answerability: { model: modelPath } } });
    expect(entry.datasetHashes['feedback:acme']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.parse(readFileSync(modelPath, 'utf8')).training.rows).toBe(FACTS.length + UNANSWERABLE.length);
    expect(readFileSync(modelCardPath, 'utf8')).toMatch(/feedback of acme/);
    const experiment = await createExperimentStore(gw.db).get(experimentId);
    expect(experiment.counts).toMatchObject({ rows: 24, answerable: 12, unanswerable: 12 });
    // The gate ran against production (the base configuration here) and its record is the entry's.
    expect(result.gate?.gateRecordId).toBeGreaterThan(0);
    expect((await arms.registry.latestGate(entry))?.id).toBe(result.gate?.gateRecordId);
    if (result.gate?.passed) {
      expect(result).toMatchObject({ stage: 'canary', canary: { kind: 'canary', treatmentEntryId: entry.id, treatmentShare: 0.05 } });
      expect(result.loadBenchmark?.passed).toBe(true);
      expect((await arms.registry.get(entry.id)).stage).toBe('staging');
    } else {
      expect(result.stage).toBe('dev');
      expect(result.stoppedBecause).toMatch(/eval gate failed/);
    }
  });

  it('the schedule queues a due tenant once, and a worker drains the run (a second candidate version)', async () => {
    const options = registryOptionsSchema.parse({ retraining: { enabled: true, golden, approve: true, loadRequests: 8 } }).retraining;
    const now = new Date();
    const queued = await queueDueRetraining(gw.db, options, now);
    expect(queued.map((r) => [r.tenant, r.trigger])).toEqual([['acme', 'schedule']]);
    expect(await queueDueRetraining(gw.db, options, now)).toEqual([]);
    await arms.registry.db.query(`UPDATE registry_rollouts SET status = 'stopped' WHERE tenant = 'acme' AND status = 'running'`);
    const done = await drainRetraining({ base: gw, registry: arms.registry, options, workerId: 'test', log: () => undefined, outDir: dir });
    expect(done).toHaveLength(1);
    expect(done[0].error).toBeUndefined();
    expect(done[0].result).toMatchObject({ stage: expect.stringMatching(/^(dev|staging|canary)$/) });
    const second = await arms.registry.get((done[0].result as { entryId: number }).entryId);
    expect(second.version).toBe('1.1.0');
    expect(existsSync(second.artifactPath!)).toBe(true);
    const runs = await gw.db.query<{ status: string; trigger: string }>(`SELECT status, trigger FROM registry_retraining_runs WHERE tenant = 'acme'`);
    expect(runs.rows).toEqual([{ status: 'done', trigger: 'schedule' }]);
    // Not due again before the interval.
    expect(await queueDueRetraining(gw.db, options, new Date(now.getTime() + 60_000))).toEqual([]);
  });
});
