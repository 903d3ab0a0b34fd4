import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REFUSAL_TEXT } from '../../src/generate/refusal.js';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import type { SourceItem } from '../../src/ingest/pipeline.js';
import { createExperimentStore } from '../../src/eval/experiment-store.js';
import { runGoldenEval } from '../../src/eval/run-golden-eval.js';
import { PRICE_TABLE } from '../../src/router/price-table.js';
import { startFakeOpenAIServer, type FakeOpenAIReply, type FakeOpenAIServer, type RecordedRequest } from '../helpers/fake-openai-server.js';

const FAST = { resamples: 1000, codeVersion: 'test' };
const DOCS: Array<[string, string, string]> = [
  ['travel.md', 'Travel Policy', 'Employees travelling overnight receive a flat per diem of EUR 60 per day for meals. Hotels in London are capped at EUR 240 per night.'],
  ['security.md', 'Security Policy', 'Laptops must use full-disk encryption. Screens lock automatically after five minutes of inactivity.'],
  ['support.md', 'Support SLA', 'Priority one tickets receive a first response within 30 minutes, around the clock.'],
];
const GOLDEN = [
  { id: 'a1', question: 'How much is the per diem for meals when travelling overnight?', reference_answer: 'EUR 60 per day', relevant_doc_ids: ['travel.md'], answerable: true },
  { id: 'a2', question: 'After how many minutes of inactivity do laptop screens lock?', reference_answer: 'five minutes', relevant_doc_ids: ['security.md'], answerable: true },
  { id: 'a3', question: 'How fast is the first response to priority one tickets?', reference_answer: 'within 30 minutes', relevant_doc_ids: ['support.md'], answerable: true },
  { id: 'u1', question: 'Who founded the company in 1887?', answerable: false },
];
/** The answer the fake model gives per question (keyed by a phrase of the question). */
const ANSWERS: Array<[string, string]> = [
  ['per diem', 'Employees travelling overnight receive EUR 60 per day. [Source: Travel Policy]'],
  ['screens lock', 'Screens lock after five minutes of inactivity. [Source: Security Policy]'],
  ['priority one', 'The first response comes within 30 minutes. [Source: Support SLA]'],
];
/** Usage of every answer reply: the cost must be exactly this times gpt-4o-mini's table price. */
const ANSWER_USAGE = { promptTokens: 1000, completionTokens: 100 };
/** Scripted judge replies per (prompt kind, phrase of the judged answer), one per repeat. */
const GROUNDEDNESS: Record<string, string[]> = {
  'EUR 60': ['{"verdicts":[true]}', '{"verdicts":[false]}', '{"verdicts":[true]}'],
  'five minutes': ['{"verdicts":[true]}', '{"verdicts":[true]}', '{"verdicts":[true]}'],
  '30 minutes': ['Looks grounded to me.', '{"verdicts":[false]}', '{"verdicts":[false]}'],
};
const CORRECTNESS: Record<string, string[]> = {
  'EUR 60': ['{"correct":true}', '{"correct":true}', '{"correct":true}'],
  'five minutes': ['{"correct":true}', '{"correct":false}', '{"correct":false}'],
  '30 minutes': ['yes', '{"verdict":"correct"}', 'CORRECT'],
};

const items = (): SourceItem[] => DOCS.map(([externalId, title, text]) => ({ document: { externalId, source: `/docs/${externalId}`, title, text, format: 'text', metadata: {} } }));
const messagesOf = (request: RecordedRequest): Array<{ role: string; content: string }> =>
  (request.body.messages as Array<{ role: string; content: unknown }>).map((m) => ({ role: m.role, content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content) }));
const systemOf = (request: RecordedRequest) => messagesOf(request).find((m) => m.role === 'system')?.content ?? '';
const userOf = (request: RecordedRequest) => messagesOf(request).filter((m) => m.role === 'user').map((m) => m.content).join('\n');
const isGroundedness = (request: RecordedRequest) => systemOf(request).includes('You check whether statements are supported');
const isCorrectness = (request: RecordedRequest) => systemOf(request).includes('You grade a candidate answer');

let server: FakeOpenAIServer;
let goldenPath: string;
const open: Groundwork[] = [];

function scripted(): (request: RecordedRequest) => FakeOpenAIReply {
  const served = new Map<string, number>();
  const next = (script: Record<string, string[]>, kind: string, text: string): string => {
    const key = Object.keys(script).find((phrase) => text.includes(phrase));
    if (key === undefined) throw new Error(`no scripted ${kind} verdict for: ${text}`);
    const index = served.get(`${kind}:${key}`) ?? 0;
    served.set(`${kind}:${key}`, index + 1);
    const reply = script[key][index];
    if (reply === undefined) throw new Error(`more ${kind} judgments of "${key}" than scripted`);
    return reply;
  };
  return (request) => {
    const user = userOf(request);
    if (isGroundedness(request)) return { text: next(GROUNDEDNESS, 'groundedness', user.split('STATEMENTS:')[1] ?? '') };
    if (isCorrectness(request)) return { text: next(CORRECTNESS, 'correctness', user.split('CANDIDATE ANSWER:')[1] ?? '') };
    const answer = ANSWERS.find(([phrase]) => user.toLowerCase().includes(phrase))?.[1] ?? REFUSAL_TEXT;
    return { text: answer, usage: ANSWER_USAGE };
  };
}

beforeAll(async () => {
  goldenPath = join(await mkdtemp(join(tmpdir(), 'gw-golden-judge-')), 'golden.jsonl');
  await writeFile(goldenPath, GOLDEN.map((item) => JSON.stringify(item)).join('\n'));
  server = await startFakeOpenAIServer({ respond: scripted() });
  vi.stubEnv('OPENAI_API_KEY', 'sk-test-fake-server');
});
afterAll(async () => {
  for (const gw of open) await gw.close();
  await server?.close();
  vi.unstubAllEnvs();
});

describe('runGoldenEval with an LLM (fake OpenAI server answering as gpt-4o-mini)', () => {
  it('records the ledger cost per query, summarizes cost and latency, and judges with agreement and invalid responses', async () => {
    const gw = await createGroundwork({
      config: { dataDir: 'memory://', generate: { provider: 'openai', baseUrl: server.baseUrl, model: 'gpt-4o-mini' }, cache: { enabled: false } },
      useEnvironment: false,
    });
    open.push(gw);
    await gw.ingest(items());
    const document = await runGoldenEval(gw, { ...FAST, golden: goldenPath, judge: true, judgeRepeats: 3 });

    // Cost: the ledger's figure equals the scripted usage times the shipped table price.
    const price = PRICE_TABLE.find((model) => model.id === 'openai:gpt-4o-mini')!;
    const expected = (ANSWER_USAGE.promptTokens * price.inputPerMillion + ANSWER_USAGE.completionTokens * price.outputPerMillion) / 1_000_000;
    expect(expected).toBeGreaterThan(0);
    const record = await createExperimentStore(gw.db).get(document.experimentId);
    const row = (id: string) => record.perQuery.find((r) => r.queryId === id)!;
    for (const id of ['a1', 'a2', 'a3']) {
      expect(row(id).details.refused).toBe(false);
      expect(row(id).details.costUsd).toBeCloseTo(expected, 12);
      expect(typeof row(id).details.latencyMs).toBe('number');
    }
    const costs = record.perQuery.map((r) => r.details.costUsd as number);
    const answerCalls = server.requests.filter((r) => !isGroundedness(r) && !isCorrectness(r)).length;
    expect(costs.reduce((a, b) => a + b, 0)).toBeCloseTo(answerCalls * expected, 12);
    expect(document.latency.cost.n).toBe(4);
    expect(document.latency.cost.meanUsd).toBeCloseTo(costs.reduce((a, b) => a + b, 0) / 4, 12);
    expect(document.latency.cost.p50Usd).toBeCloseTo(expected, 12);
    expect(document.latency.cost.p95Usd).toBeCloseTo(Math.max(...costs), 12);
    expect(document.latency.p95Ms).toBeGreaterThanOrEqual(document.latency.p50Ms);

    // Judge: 3 answers x 3 repeats per quantity; lexical baselines still reported.
    expect(server.requests.filter(isGroundedness)).toHaveLength(9);
    expect(server.requests.filter(isCorrectness)).toHaveLength(9);
    expect(server.requests.find(isGroundedness)!.body.temperature).toBeGreaterThan(0);
    expect(document.metrics.groundedness.n).toBe(3);
    expect(document.metrics.token_f1.n).toBe(3);
    expect(row('a1').metrics).toMatchObject({ judge_groundedness: 1, judge_correctness: 1 });
    expect(row('a2').metrics).toMatchObject({ judge_groundedness: 1, judge_correctness: 0 });
    expect(row('a3').metrics.judge_groundedness).toBe(0);
    expect(row('a3').metrics.judge_correctness).toBeUndefined(); // every repeat unparseable: not guessed
    expect(document.metrics.judge_groundedness).toMatchObject({ n: 3 });
    expect(document.metrics.judge_groundedness.mean).toBeCloseTo(2 / 3, 12);
    expect(document.metrics.judge_groundedness.lower).toBeLessThanOrEqual(document.metrics.judge_groundedness.mean);
    expect(document.metrics.judge_groundedness.upper).toBeGreaterThanOrEqual(document.metrics.judge_groundedness.mean);
    expect(document.metrics.judge_correctness).toMatchObject({ n: 2, mean: 0.5 });
    expect(document.judge).toMatchObject({ model: 'openai:gpt-4o-mini', repeats: 3 });
    expect(document.judge!.groundedness).toMatchObject({ judged: 3, unjudged: 0, unanimous: 2, invalidResponses: 1, calls: 9 });
    expect(document.judge!.groundedness.agreementRate).toBeCloseTo((2 / 3 + 1 + 1) / 3, 12);
    expect(document.judge!.correctness).toMatchObject({ judged: 2, unjudged: 1, unanimous: 1, invalidResponses: 3, calls: 9 });
    expect(document.judge!.correctness.agreementRate).toBeCloseTo((1 + 2 / 3) / 2, 12);
    expect(document.counts.judgeInvalidResponses).toBe(4);
    expect(row('a3').details.judge).toMatchObject({ correctness: { verdicts: [], invalidResponses: 3, repeats: 3 } });
    expect((row('a3').details.judge as { correctness: Record<string, unknown> }).correctness.score).toBeUndefined();
  });

  it('fails at start, before any question, when the answerer is the offline extractive one', async () => {
    const gw = await createGroundwork({ config: { dataDir: 'memory://' }, useEnvironment: false });
    open.push(gw);
    const before = server.requests.length;
    await expect(runGoldenEval(gw, { ...FAST, golden: goldenPath, judge: true })).rejects.toThrow(/judge mode needs an LLM provider.*generate\.provider/);
    expect(server.requests.length).toBe(before);
    expect(await createExperimentStore(gw.db).list({})).toHaveLength(0);
  });
});
