import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-eval-gate-'));
const env = { GROUNDWORK_DATA_DIR: join(dir, 'data'), GROUNDWORK_TENANT: 'gate', PATH: process.env.PATH };
const DOCS: Array<[string, string]> = [
  ['travel.md', '# Travel Policy\n\nEmployees travelling overnight receive a flat per diem of EUR 60 per day for meals.'],
  ['security.md', '# Security Policy\n\nLaptop screens lock automatically after five minutes of inactivity.'],
  ['support.md', '# Support SLA\n\nPriority one tickets receive a first response within 30 minutes.'],
  ['parking.md', '# Parking\n\nEach employee may reserve one parking space in the garage on Elm Street.'],
  ['leave.md', '# Parental Leave\n\nNew parents receive sixteen weeks of paid parental leave.'],
  ['training.md', '# Training Budget\n\nEvery engineer has a yearly training budget of EUR 1,500 for courses and books.'],
  ['equipment.md', '# Equipment\n\nThe company provides two external monitors for every desk in the office.'],
  ['badges.md', '# Badges\n\nLost access badges are replaced by the reception desk on the ground floor.'],
  // Pages whose titles repeat the questions' words without answering them: a retrieval change that
  // weighs titles heavily and answers from one chunk picks these.
  ['faq1.md', '# Per diem meals travelling overnight\n\nQuestions about the per diem for meals when travelling overnight go to the travel team.'],
  ['faq2.md', '# Laptop screens lock inactivity minutes\n\nQuestions about how laptop screens lock after inactivity go to the IT desk.'],
  ['faq3.md', '# First response priority one tickets\n\nQuestions about the first response to priority one tickets go to the support lead.'],
  ['faq4.md', '# Reserve parking space employees\n\nQuestions about where employees reserve a parking space go to facilities.'],
  ['faq5.md', '# Weeks paid parental leave new parents\n\nQuestions about weeks of paid parental leave for new parents go to HR.'],
  ['faq6.md', '# Yearly training budget engineer\n\nQuestions about the yearly training budget of an engineer go to the manager.'],
  ['faq7.md', '# External monitors company provide desk\n\nQuestions about how many external monitors the company provides for a desk go to facilities.'],
  ['faq8.md', '# Replaces lost access badges\n\nQuestions about who replaces lost access badges go to security.'],
];
const GOLDEN = [
  { id: 'q1', question: 'How much is the per diem for meals when travelling overnight?', reference_answer: 'EUR 60 per day', relevant_doc_ids: ['travel.md'], answerable: true },
  { id: 'q2', question: 'After how many minutes of inactivity do laptop screens lock?', reference_answer: 'five minutes', relevant_doc_ids: ['security.md'], answerable: true },
  { id: 'q3', question: 'How fast is the first response to priority one tickets?', reference_answer: 'within 30 minutes', relevant_doc_ids: ['support.md'], answerable: true },
  { id: 'q4', question: 'Where can employees reserve a parking space?', reference_answer: 'in the garage on Elm Street', relevant_doc_ids: ['parking.md'], answerable: true },
  { id: 'q5', question: 'How many weeks of paid parental leave do new parents receive?', reference_answer: 'sixteen weeks', relevant_doc_ids: ['leave.md'], answerable: true },
  { id: 'q6', question: 'What is the yearly training budget of an engineer?', reference_answer: 'EUR 1,500', relevant_doc_ids: ['training.md'], answerable: true },
  { id: 'q7', question: 'How many external monitors does the company provide for every desk?', reference_answer: 'two external monitors', relevant_doc_ids: ['equipment.md'], answerable: true },
  { id: 'q8', question: 'Who replaces lost access badges?', reference_answer: 'the reception desk', relevant_doc_ids: ['badges.md'], answerable: true },
  { id: 'u1', question: 'Who founded the company in 1887?', answerable: false },
];

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', isTty: false, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await main(argv, io, env);
  return { code, out: io.out, err: io.err };
}

describe('groundwork eval gate (in-process CLI, PGlite in a temp dir)', { timeout: 300_000 }, () => {
  const docs = join(dir, 'docs');
  const golden = join(dir, 'golden.jsonl');
  const regression = join(dir, 'title-stuffed-top-1.json');
  const improvement = join(dir, 'top-10.json');

  it('exits 1 on a planted regression and 0 on an improvement, and stores why', async () => {
    mkdirSync(docs);
    for (const [name, text] of DOCS) writeFileSync(join(docs, name), text);
    writeFileSync(golden, GOLDEN.map((item) => JSON.stringify(item)).join('\n'));
    // The planted regression: titles weigh five times and the answer comes from the top chunk only,
    // so the FAQ pages win and most answers are refusals or wrong; the improvement undoes it.
    writeFileSync(regression, JSON.stringify({ retrieve: { topK: 1, titleWeight: 5 } }));
    writeFileSync(improvement, JSON.stringify({ retrieve: { topK: 10, titleWeight: 1 } }));
    expect((await run(['ingest', docs, '--json'])).code).toBe(0);

    const failed = await run(['eval', 'gate', '--candidate', regression, '--baseline', improvement, '--golden', golden, '--json']);
    expect(failed.code, failed.err).toBe(1);
    const document = JSON.parse(failed.out);
    expect(document.passed).toBe(false);
    const checks = Object.fromEntries(document.runs[0].checks.map((c: { name: string }) => [c.name, c]));
    expect(checks.answer_accuracy).toMatchObject({ kind: 'primary', passed: false });
    expect(checks.answer_accuracy.baseline).toBeGreaterThan(checks.answer_accuracy.candidate);
    expect(checks.answer_accuracy.pValue).toBeLessThan(0.05);
    expect(checks.false_refusal_rate.passed).toBe(false);
    expect(document.reasons.join('\n')).toMatch(/answer_accuracy is significantly worse/);
    expect(document.runs[0].baselineExperiment).toMatch(/^EXP-/);
    expect(document.runs[0].candidateExperiment).toMatch(/^EXP-/);
    expect(document.gateRecordId).toBeGreaterThan(0);

    const passed = await run(['eval', 'gate', '--candidate', improvement, '--baseline', regression, '--golden', golden]);
    expect(passed.code, passed.out).toBe(0);
    expect(passed.out).toMatch(/gate PASSED \(record \d+\)/);
    expect(passed.out).toMatch(/answer_accuracy\s+primary/);

    // The CLI contract: bad usage exits 2.
    expect((await run(['eval', 'gate', '--candidate', improvement, '--json'])).code).toBe(2);
  });

  it('an entry that passed the gate can be promoted to staging; one that failed cannot', async () => {
    const register = async (name: string, file: string) => JSON.parse((await run(['registry', 'register', '--kind', 'answer-config', '--name', name, '--version', '1.0.0', '--overrides', file, '--json'])).out).entry.id as number;
    const good = await register('sparse', improvement);
    const bad = await register('title-top-1', regression);
    expect((await run(['eval', 'gate', '--candidate', String(bad), '--golden', golden, '--json'])).code).toBe(1);
    expect((await run(['eval', 'gate', '--candidate', String(good), '--baseline', String(bad), '--golden', golden, '--json'])).code).toBe(0);
    expect(JSON.parse((await run(['registry', 'show', String(bad), '--json'])).out).latestGate.passed).toBe(false);
    const refused = await run(['registry', 'promote', String(bad), '--to', 'staging', '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out).error.message).toMatch(/latest eval gate \(record \d+\) failed/);
    const promoted = await run(['registry', 'promote', String(good), '--to', 'staging', '--json']);
    expect(promoted.code, promoted.err).toBe(0);
    expect(JSON.parse(promoted.out).entry.stage).toBe('staging');
    const shown = JSON.parse((await run(['registry', 'show', String(good), '--json'])).out);
    expect(shown.latestGate.passed).toBe(true);
    expect(shown.latestGate.experimentIds).toHaveLength(2);
    expect(shown.history.map((h: { toStage: string }) => h.toStage)).toEqual(['dev', 'staging']);
    const listed = await run(['registry', 'list']);
    expect(listed.out).toMatch(/title-top-1\s+1\.0\.0\s+dev/);

    // staging -> production: a load benchmark within limits, approval for the first of its kind, then the canary.
    const noLoad = await run(['registry', 'promote', String(good), '--to', 'production', '--approve', '--json']);
    expect(JSON.parse(noLoad.out).error.message).toMatch(/no load benchmark/);
    const load = await run(['registry', 'load-test', String(good), '--golden', golden, '--requests', '6', '--concurrency', '2', '--max-p95-ms', '60000', '--json']);
    expect(load.code, load.err).toBe(0);
    expect(JSON.parse(load.out).loadBenchmark).toMatchObject({ passed: true, figures: { requests: 6, errors: 0 } });
    expect(JSON.parse((await run(['registry', 'promote', String(good), '--to', 'production', '--json'])).out).error.message).toMatch(/needs explicit approval/);
    const canary = await run(['registry', 'promote', String(good), '--to', 'production', '--approve', '--window-minutes', '30', '--json']);
    expect(canary.code, canary.err).toBe(0);
    expect(JSON.parse(canary.out).canary).toMatchObject({ kind: 'canary', treatmentShare: 0.05, settings: { windowMs: 1_800_000 } });
    const tick = await run(['registry', 'tick', '--json']);
    expect(JSON.parse(tick.out).canaries).toMatchObject([{ entryId: good, action: 'wait' }]);
    const rolled = await run(['registry', 'rollback', '--kind', 'answer-config', '--json']);
    expect(JSON.parse(rolled.out)).toMatchObject({ action: 'canary-stopped', rollout: { status: 'rolled-back' } });
    const shown2 = await run(['registry', 'show', String(good)]);
    expect(shown2.out).toMatch(/canary \d+ \(rolled-back/);
    const ab = await run(['registry', 'ab', 'start', '--treatment', String(good), '--control', 'base', '--baseline-rate', '0.5', '--mde', '0.1', '--json']);
    expect(ab.code, ab.err).toBe(0);
    expect(JSON.parse(ab.out).rollout).toMatchObject({ kind: 'ab', controlEntryId: null, settings: { minimumSamplePerArm: 385 } });
    expect((await run(['registry', 'promote', 'x', '--to', 'staging'])).code).toBe(2);
    expect((await run(['registry', 'list', '--kind', 'nope', '--json'])).code).toBe(2);
  });
});
