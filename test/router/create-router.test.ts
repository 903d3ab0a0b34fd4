import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, GroundworkError, InputError } from '../../src/errors.js';
import type { ChatModel } from '../../src/models/types.js';
import { checkAnswer, type AnswerCheckInput } from '../../src/router/answer-check.js';
import { createMemoryBudgetStore } from '../../src/router/budget-store.js';
import { createMemoryCostLedger } from '../../src/router/cost-ledger.js';
import { createRouter, type RunOutput } from '../../src/router/create-router.js';
import { routerOptionsSchema } from '../../src/router/router-options.js';
import { createFakeClock } from './helpers/fake-clock.js';
import { createHttpChatModel, startFakeProvider } from './helpers/fake-provider-server.js';

const SMALL = 'openai:gpt-4o-mini';
const LARGE = 'openai:gpt-4o';
const CLAUDE = 'anthropic:claude-haiku-4-5';

const fakeModel = (id: string): ChatModel => ({
  id,
  provider: id.split(':')[0],
  contextWindow: 128_000,
  supportsTools: false,
  generate: () => Promise.reject(new Error('not used: tests pass run()')),
  stream: () => {
    throw new Error('not used');
  },
});
const usage = { inputTokens: 1000, outputTokens: 100, cachedInputTokens: 0 };
const context = [{ id: 'c1', text: 'The R2 arm has a maximum payload of 12 kilograms at full reach.' }];
const goodCheck: AnswerCheckInput = { answer: 'The R2 arm lifts at most 12 kilograms at full reach [c1].', citations: [{ sourceId: 'c1' }], context, retrievalConfidence: 0.8 };
const badCheck: AnswerCheckInput = { ...goodCheck, answer: 'The R2 arm lifts 40 tonnes while flying [c1].' };

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('createRouter', () => {
  it('fixed: calls the one model, prices its usage and records it', async () => {
    const ledger = createMemoryCostLedger();
    const router = createRouter({ models: [fakeModel(SMALL)], policy: { kind: 'fixed', model: SMALL }, ledger, clock: createFakeClock() });
    const seen: string[] = [];
    const answer = await router.answer({ tenant: 't1', inputTokens: 1000, route: 'documents' }, async (model) => {
      seen.push(model.id);
      return { usage, text: 'hi' };
    });
    expect(seen).toEqual([SMALL]);
    expect(answer.costUsd).toBeCloseTo((1000 * 0.15 + 100 * 0.6) / 1e6, 12);
    expect(answer.result.text).toBe('hi');
    expect(ledger.entries).toHaveLength(1);
    expect(ledger.entries[0]).toMatchObject({ tenant: 't1', requestId: answer.requestId, model: SMALL, provider: 'openai', inputTokens: 1000, outputTokens: 100, outcome: 'ok', kind: 'chat' });
  });

  it('fallback: a provider that keeps failing hands over to the next model', async () => {
    const down = await startFakeProvider([{ status: 503 }]);
    const up = await startFakeProvider([{ content: 'from claude', usage: { prompt_tokens: 900, completion_tokens: 50 } }]);
    servers.push(down, up);
    const models = [createHttpChatModel(down.url, SMALL), createHttpChatModel(up.url, CLAUDE)];
    const ledger = createMemoryCostLedger();
    const clock = createFakeClock();
    const router = createRouter({ models, policy: { kind: 'fallback', models: [SMALL, CLAUDE] }, ledger, clock, random: () => 0 });
    const answer = await router.answer({ tenant: 't', inputTokens: 900 }, async (model, ctx) => {
      const result = await model.generate({ messages: [{ role: 'user', content: 'q' }], signal: ctx.signal, maxTokens: ctx.maxTokens });
      return { ...result };
    });
    expect(answer.model).toBe(CLAUDE);
    expect(answer.result.text).toBe('from claude');
    expect(down.requests).toHaveLength(3); // the default 3 attempts before moving on
    expect(answer.decision.steps.map((s) => [s.model, s.outcome])).toEqual([
      [SMALL, 'error'],
      [CLAUDE, 'ok'],
    ]);
    expect(ledger.entries.map((e) => e.outcome)).toEqual(['error', 'ok']);
  });

  it('fallback: a non-retryable error (400) is not hidden by falling back', async () => {
    const bad = await startFakeProvider([{ status: 400 }]);
    const up = await startFakeProvider([{ content: 'never' }]);
    servers.push(bad, up);
    const router = createRouter({ models: [createHttpChatModel(bad.url, SMALL), createHttpChatModel(up.url, CLAUDE)], policy: { kind: 'fallback', models: [SMALL, CLAUDE] }, clock: createFakeClock() });
    await expect(router.answer({ tenant: 't', inputTokens: 10 }, (model, ctx) => model.generate({ messages: [], signal: ctx.signal }))).rejects.toMatchObject({ status: 400 });
    expect(up.requests).toHaveLength(0);
  });

  it('cascade: escalates exactly when the answer check fails', async () => {
    const thresholds = routerOptionsSchema.parse({}).cascade;
    const answers = fc.record({
      answer: fc.constantFrom(goodCheck.answer, badCheck.answer, "I don't know.", 'The R2 arm has a maximum payload of 12 kilograms.'),
      cite: fc.constantFrom<string | null>('c1', 'c7', null),
      retrievalConfidence: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    await fc.assert(
      fc.asyncProperty(answers, async ({ answer, cite, retrievalConfidence }) => {
        const check: AnswerCheckInput = { answer, citations: cite ? [{ sourceId: cite }] : [], context, retrievalConfidence };
        const ledger = createMemoryCostLedger();
        const router = createRouter({ models: [fakeModel(SMALL), fakeModel(LARGE)], policy: { kind: 'cascade', models: [SMALL, LARGE] }, ledger, clock: createFakeClock() });
        const called: string[] = [];
        const result = await router.answer({ tenant: 't', inputTokens: 1000 }, async (model): Promise<RunOutput & { by: string }> => {
          called.push(model.id);
          return { usage, by: model.id, check: model.id === SMALL ? check : goodCheck };
        });
        const shouldEscalate = !checkAnswer(check, thresholds).pass;
        expect(called).toEqual(shouldEscalate ? [SMALL, LARGE] : [SMALL]);
        expect(result.result.by).toBe(shouldEscalate ? LARGE : SMALL);
        expect(ledger.entries.map((e) => e.outcome)).toEqual(shouldEscalate ? ['check-failed', 'ok'] : ['ok']);
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('cascade: keeps the small answer when the per-request cap forbids escalation', async () => {
    const options = routerOptionsSchema.parse({ budgets: { perRequestUsd: 0.005 } });
    const router = createRouter({ models: [fakeModel(SMALL), fakeModel(LARGE)], policy: { kind: 'cascade', models: [SMALL, LARGE] }, options, clock: createFakeClock() });
    const called: string[] = [];
    const answer = await router.answer({ tenant: 't', inputTokens: 1000, maxTokens: 500 }, async (model) => {
      called.push(model.id);
      return { usage, check: badCheck };
    });
    expect(called).toEqual([SMALL]);
    expect(answer.decision.escalationBlocked).toMatch(/request cost cap \$0.005/);
  });

  it('cascade: requires run to return the check input', async () => {
    const router = createRouter({ models: [fakeModel(SMALL), fakeModel(LARGE)], policy: { kind: 'cascade', models: [SMALL, LARGE] }, clock: createFakeClock() });
    await expect(router.answer({ tenant: 't', inputTokens: 1 }, async () => ({ usage }))).rejects.toBeInstanceOf(InputError);
  });

  it('cheapest-capable: the cheap model for easy requests, the capable one for hard ones', async () => {
    const router = createRouter({ models: [fakeModel(SMALL), fakeModel(LARGE)], policy: { kind: 'cheapest-capable', models: [LARGE, SMALL], target: 0.75 }, clock: createFakeClock() });
    const run = async () => ({ usage });
    const easy = await router.answer({ tenant: 't', inputTokens: 500, features: { queryWords: 6, retrievalConfidence: 0.9, topScoreGap: 0.5, questionParts: 1, aggregation: 0 } }, run);
    expect(easy.model).toBe(SMALL);
    expect(easy.decision.clearedTarget).toBe(true);
    const hard = await router.answer({ tenant: 't', inputTokens: 500, features: { queryWords: 50, retrievalConfidence: 0.1, topScoreGap: 0, questionParts: 2, aggregation: 1 } }, run);
    expect(hard.model).toBe(LARGE);
    expect(hard.decision.candidates?.map((c) => c.model)).toEqual([SMALL, LARGE]);
  });

  it('budgets: refuse with BUDGET_EXCEEDED before any spend', async () => {
    const capped = createRouter({
      models: [fakeModel(LARGE)],
      policy: { kind: 'fixed', model: LARGE },
      options: routerOptionsSchema.parse({ budgets: { perRequestUsd: 0.001 } }),
      clock: createFakeClock(),
    });
    let calls = 0;
    const run = async () => {
      calls++;
      return { usage };
    };
    const error = await capped.answer({ tenant: 't', inputTokens: 1000 }, run).catch((e) => e);
    expect(error).toBeInstanceOf(GroundworkError);
    expect(error.code).toBe('BUDGET_EXCEEDED');
    expect(error.message).toMatch(/request cost cap \$0.001/);
    expect(calls).toBe(0);

    // daily budget: $0.01 holds exactly one worst case of (1000 x 1.2 x $2.5 + 500 x $10) / 1e6 = $0.008
    const store = createMemoryBudgetStore();
    const clock = createFakeClock();
    const daily = createRouter({ models: [fakeModel(LARGE)], policy: { kind: 'fixed', model: LARGE }, options: routerOptionsSchema.parse({ budgets: { dailyPerTenantUsd: 0.01 } }), budgetStore: store, clock });
    await daily.answer({ tenant: 'acme', inputTokens: 1000, maxTokens: 500 }, run);
    expect(calls).toBe(1);
    const usageAfter = await store.usage('acme', '2025-01-15');
    expect(usageAfter).toEqual({ limitUsd: 0.01, reservedUsd: 0, spentUsd: (1000 * 2.5 + 100 * 10) / 1e6 });
    await expect(daily.answer({ tenant: 'acme', inputTokens: 1000, maxTokens: 500 }, run)).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED', details: { tenant: 'acme', scope: 'tenant-day' } });
    expect(calls).toBe(1);
    // another tenant, or the next UTC day, has its own budget
    await daily.answer({ tenant: 'other', inputTokens: 1000, maxTokens: 500 }, run);
    clock.advance(24 * 3600 * 1000);
    await daily.answer({ tenant: 'acme', inputTokens: 1000, maxTokens: 500 }, run);
    expect(calls).toBe(3);
  });

  it('releases the reservation when the call fails', async () => {
    const store = createMemoryBudgetStore();
    const router = createRouter({ models: [fakeModel(LARGE)], policy: { kind: 'fixed', model: LARGE }, options: routerOptionsSchema.parse({ budgets: { dailyPerTenantUsd: 1 } }), budgetStore: store, clock: createFakeClock() });
    await expect(router.answer({ tenant: 'acme', inputTokens: 1000 }, async () => Promise.reject(new InputError('q', 'bad')))).rejects.toBeInstanceOf(InputError);
    expect(await store.usage('acme', '2025-01-15')).toEqual({ limitUsd: 1, reservedUsd: 0, spentUsd: 0 });
  });

  it('refuses a bad setup at creation, naming the key', () => {
    expect(() => createRouter({ models: [fakeModel(SMALL)], policy: { kind: 'fixed', model: LARGE } })).toThrow(ConfigError);
    expect(() => createRouter({ models: [fakeModel('acme:unpriced')], policy: { kind: 'fixed', model: 'acme:unpriced' } })).toThrow(/router\.models/);
    expect(() => createRouter({ models: [fakeModel(SMALL)], policy: { kind: 'fixed', model: SMALL }, options: routerOptionsSchema.parse({ budgets: { dailyPerTenantUsd: 5 } }) })).toThrow(/budget store/);
  });
});
