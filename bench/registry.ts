/**
 * Registry benchmark (issue 22). Prints one JSON document:
 * 1. The per-request cost of arm assignment and canary routing: the arm resolver's in-memory path
 *    (tenant state lookup, 32-bit hash, entry set) and the Groundwork lookup for the chosen entry
 *    set, over 200,000 requests of 10,000 users with a canary running; p50/p99/max in ms.
 * 2. A full retrain -> gate -> canary cycle on the sample data: the corpus (samples/corpus) ingested
 *    on PGlite, every golden question (samples/golden.jsonl) asked through the real HTTP app and
 *    rated like a user would (up for a right answer or a right refusal, down otherwise), then
 *    retraining the answerability model from that feedback, the eval gate against production on
 *    the golden set, staging, the load benchmark (100 asks, 2 at a time: the embedded database runs
 *    one statement at a time, so more only queues), the canary, and the canary controller driven
 *    through its steps with simulated traffic and an injected clock. Wall time per phase.
 *
 *    With `--kind ranker`, the cycle retrains the learned ranker instead: the rated answers' cited
 *    documents (and the golden set's judgments) are its relevance judgments.
 *
 * Run: node --import tsx bench/registry.ts [--skip-cycle] [--kind answerability-model|ranker]
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCorrectAnswer } from '../src/eval/run-answer-metrics.js';
import { parseGoldenSet } from '../src/eval/golden-set.js';
import { createGroundwork } from '../src/groundwork.js';
import { createMonitor } from '../src/monitor/monitor-service.js';
import { RETRAINABLE_KINDS, type RetrainableKind } from '../src/registry/retrainable-kinds.js';
import { createArmServing } from '../src/registry/arm-middleware.js';
import { createArmResolver } from '../src/registry/arm-resolver.js';
import { advanceCanaries } from '../src/registry/canary-controller.js';
import { createEntryGroundworks } from '../src/registry/entry-groundwork.js';
import { promoteEntry } from '../src/registry/promote-entry.js';
import { createRegistryStore } from '../src/registry/registry-store.js';
import { runRetrainingPipeline } from '../src/registry/retraining-pipeline.js';
import { armLabels } from '../src/registry/rollout-store.js';
import { mulberry32 } from '../src/random.js';
import { createApp } from '../src/server/create-app.js';

const ROOT = join(import.meta.dirname, '..');
const REQUESTS = 200_000;
const USERS = 10_000;

function percentiles(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const round = (v: number) => Math.round(v * 10_000) / 10_000;
  return { p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1]) };
}

async function assignmentCost() {
  const gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 'acme' }, useEnvironment: false });
  try {
    const registry = createRegistryStore(gw.db);
    const control = await registry.register({ tenant: 'acme', kind: 'answer-config', name: 'control', version: '1.0.0', overrides: { retrieve: { topK: 10 } }, codeVersion: 'bench' });
    const candidate = await registry.register({ tenant: 'acme', kind: 'answer-config', name: 'candidate', version: '1.1.0', overrides: { retrieve: { topK: 8 } }, codeVersion: 'bench' });
    await registry.recordGate({ tenant: 'acme', entryId: candidate.id, passed: true, reasons: [], experimentIds: [] });
    await registry.recordLoadBenchmark({ tenant: 'acme', entryId: candidate.id, passed: true, figures: {}, limits: {} });
    await gw.db.transaction((tx) => registry.setStage(tx, control, 'production', { actor: 'bench', reason: 'fixture' }));
    await promoteEntry(registry, candidate.id, 'staging');
    await promoteEntry(registry, candidate.id, 'production', { canary: { steps: [0.25, 1] } });
    const resolver = createArmResolver({ registry, refreshMs: 60_000 });
    const groundworks = createEntryGroundworks(gw);
    await resolver.resolve('acme', 'warm');
    const units = Array.from({ length: USERS }, (_, i) => `user-${i}`);
    // Warm the entry sets' Groundwork (built once per set) and the JIT.
    for (let i = 0; i < 20_000; i += 1) {
      const choice = resolver.peek('acme', units[i % USERS])!;
      await groundworks.get(choice.entries, choice.key);
    }
    const costs: number[] = new Array(REQUESTS);
    let treatment = 0;
    for (let i = 0; i < REQUESTS; i += 1) {
      const t0 = performance.now();
      const choice = resolver.peek('acme', units[i % USERS])!;
      const served = groundworks.get(choice.entries, choice.key);
      costs[i] = performance.now() - t0;
      if (choice.arm === String(candidate.id)) treatment += 1;
      void served;
    }
    await groundworks.close();
    return { requests: REQUESTS, users: USERS, treatmentShare: treatment / REQUESTS, expectedShare: 0.25, ms: percentiles(costs) };
  } finally {
    await gw.close();
  }
}

async function cycle() {
  const phases: Record<string, number> = {};
  let last = performance.now();
  const mark = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - last);
    last = now;
  };
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-registry-'));
  const gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 'bench', cache: { enabled: false } }, useEnvironment: false });
  const arms = createArmServing(gw, { refreshMs: 0, log: () => undefined, keepQuestions: true });
  const monitor = createMonitor({ db: gw.db, options: gw.config.monitor, log: () => undefined });
  try {
    await gw.ingest([join(ROOT, 'samples', 'corpus')], { tenant: 'bench' });
    mark('ingestMs');
    const goldenPath = join(ROOT, 'samples', 'golden.jsonl');
    const golden = parseGoldenSet(readFileSync(goldenPath, 'utf8'), goldenPath);
    const app = createApp(gw, { server: { auth: false }, log: false, arms, monitor });
    const post = (path: string, body: unknown) => app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    let up = 0;
    for (const item of golden) {
      const res = await post('/v1/ask', { question: item.question });
      const answer = (await res.json()) as { answer: string; refused: boolean; citations: Array<{ externalId: string }> };
      const right = item.answerable ? !answer.refused && isCorrectAnswer(item, { answer: answer.answer, refused: answer.refused, citedDocuments: answer.citations.map((c) => c.externalId) }) : answer.refused;
      if (right) up += 1;
      await post('/v1/feedback', { requestId: res.headers.get('x-request-id'), rating: right ? 'up' : 'down' });
    }
    await monitor.telemetry.flush();
    mark('askAndRateMs');
    const result = await runRetrainingPipeline(gw, arms.registry, { kind, tenant: 'bench', since: new Date(0), golden: goldenPath, outDir: dir, approve: true, loadRequests: 100, loadConcurrency: 2, canary: { windowMs: 60 * 60_000 }, codeVersion: 'bench' });
    mark('retrainGateLoadTestMs');
    let canary: Record<string, unknown> | undefined;
    if (result.canary) {
      // The canary's traffic, simulated: 200 users a tick, both arms behaving alike, 10-minute ticks, 1-hour windows.
      const rollout = result.canary;
      const labels = armLabels(rollout);
      const random = mulberry32(11);
      let now = rollout.startedAt.getTime();
      const steps: string[] = [];
      for (let tick = 0; tick < 60 && steps.at(-1) !== 'complete' && steps.at(-1) !== 'rollback'; tick += 1) {
        const share = (await arms.registry.db.query<{ s: number }>('SELECT treatment_share AS s FROM registry_rollouts WHERE tenant = $1 AND id = $2', ['bench', rollout.id])).rows[0].s;
        const rows = Array.from({ length: 200 }, (_, u) => ({ arm: random() < share ? labels.treatment : labels.control, at: new Date(now + u * 3000), ok: random() > 0.003, positive: random() < 0.75 }));
        await gw.db.query(
          `INSERT INTO telemetry (request_id, tenant, route, arm, status, total_ms, created_at) SELECT 'sim-' || g, 'bench', 'ask', a, s, 40, t FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::int[]) AS x(a, s, t, g)`,
          [rows.map((r) => r.arm), rows.map((r) => (r.ok ? 200 : 500)), rows.map((r) => r.at.toISOString()), rows.map((_, u) => tick * 1000 + u)],
        );
        now += 10 * 60_000;
        for (const action of await advanceCanaries({ registry: arms.registry, log: () => undefined }, new Date(now))) if (action.action !== 'wait') steps.push(action.action === 'advance' ? `advance@${action.share}` : action.action);
      }
      canary = { steps, finalStage: (await arms.registry.get(result.candidate.entry.id)).stage };
      mark('canaryControllerMs');
    }
    return {
      kind,
      questions: golden.length,
      ratedUp: up,
      candidate: { entryId: result.candidate.entry.id, version: result.candidate.entry.version, experimentId: result.candidate.experimentId, labels: result.candidate.labels },
      gate: result.gate,
      loadBenchmark: result.loadBenchmark?.figures,
      stage: result.stage,
      stoppedBecause: result.stoppedBecause,
      canary,
      phasesMs: phases,
      wallMs: Math.round(performance.now() - started),
    };
  } finally {
    await monitor.close();
    await arms.close();
    await gw.close();
  }
}

const skipCycle = process.argv.includes('--skip-cycle');
const kindArgument = process.argv[process.argv.indexOf('--kind') + 1];
if (process.argv.includes('--kind') && !(RETRAINABLE_KINDS as readonly string[]).includes(kindArgument)) throw new Error(`--kind must be one of ${RETRAINABLE_KINDS.join(', ')}, got ${kindArgument}`);
const kind = (process.argv.includes('--kind') ? kindArgument : 'answerability-model') as RetrainableKind;
const assignment = await assignmentCost();
const full = skipCycle ? undefined : await cycle();
process.stdout.write(`${JSON.stringify({ machine: { cpus: cpus().length, loadavg: loadavg().map((l) => Math.round(l * 100) / 100) }, assignment, ...(full ? { cycle: full } : {}) }, null, 2)}\n`);
