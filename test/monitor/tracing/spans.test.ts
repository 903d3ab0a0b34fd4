import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import type { ChatModel } from '../../../src/models/types.js';
import { createTracingSdk, type Tracing } from '../../../src/monitor/tracing/tracing-sdk.js';
import { currentRequestId, withSpan, withSpanStream } from '../../../src/monitor/tracing/with-span.js';
import { providerModelName } from '../../../src/monitor/tracing/model-call-span.js';
import { tracingSettingsFromEnv } from '../../../src/monitor/tracing/tracing-settings.js';
import type { AnswerCheckInput } from '../../../src/router/answer-check.js';
import { createRouter, type RunOutput } from '../../../src/router/create-router.js';
import { createFakeClock } from '../../router/helpers/fake-clock.js';
import { createHttpChatModel, startFakeProvider } from '../../router/helpers/fake-provider-server.js';

const SMALL = 'openai:gpt-4o-mini';
const LARGE = 'openai:gpt-4o';
const CLAUDE = 'anthropic:claude-haiku-4-5';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
beforeAll(() => {
  const settings = tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
  if (!settings.enabled) throw new Error('expected tracing settings');
  tracing = createTracingSdk(settings, { exporter });
});
afterAll(() => tracing.shutdown());
afterEach(() => exporter.reset());

/** The spans ended so far, after a flush. */
async function finished(): Promise<ReadableSpan[]> {
  await tracing.forceFlush();
  return exporter.getFinishedSpans();
}
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;

const fakeModel = (id: string): ChatModel => ({
  id,
  provider: id.split(':')[0],
  contextWindow: 128_000,
  supportsTools: false,
  generate: () => Promise.reject(new Error('not used: tests pass run()')),
  async *stream() {
    yield { type: 'token', text: 'a' };
  },
});
const usage = { inputTokens: 1000, outputTokens: 100, cachedInputTokens: 40 };
const context = [{ id: 'c1', text: 'The R2 arm has a maximum payload of 12 kilograms at full reach.' }];
const goodCheck: AnswerCheckInput = { answer: 'The R2 arm lifts at most 12 kilograms at full reach [c1].', citations: [{ sourceId: 'c1' }], context, retrievalConfidence: 0.8 };
const badCheck: AnswerCheckInput = { ...goodCheck, answer: 'The R2 arm lifts 40 tonnes while flying [c1].' };

describe('withSpan', () => {
  it('nests spans, puts the request id on every span under the one that set it, and returns what fn returns (sync or async)', async () => {
    const seen: Array<string | undefined> = [];
    const value = await withSpan(
      'outer',
      { 'groundwork.stage': 'outer' },
      async () => {
        seen.push(currentRequestId());
        const inner = withSpan('inner sync', {}, () => 41 + 1);
        await new Promise((resolve) => setTimeout(resolve, 1));
        return withSpan('inner async', {}, async () => {
          seen.push(currentRequestId());
          return inner;
        });
      },
      { requestId: 'req-7' },
    );
    expect(value).toBe(42);
    expect(seen).toEqual(['req-7', 'req-7']);
    expect(currentRequestId()).toBeUndefined();
    const spans = await finished();
    const outer = spans.find((s) => s.name === 'outer')!;
    expect(outer.attributes).toMatchObject({ 'groundwork.stage': 'outer', 'groundwork.request_id': 'req-7' });
    expect(parentOf(outer)).toBeUndefined();
    for (const name of ['inner sync', 'inner async']) {
      const span = spans.find((s) => s.name === name)!;
      expect(parentOf(span)).toBe(idOf(outer));
      expect(span.attributes['groundwork.request_id']).toBe('req-7');
      expect(span.spanContext().traceId).toBe(outer.spanContext().traceId);
    }
  });

  it('a thrown or rejected error marks the span failed (status, error.type, exception event) and goes on unchanged', async () => {
    const thrown = new InputError('question', 'must not be empty');
    expect(() => withSpan('sync fails', {}, () => {
      throw thrown;
    })).toThrow(thrown);
    await expect(withSpan('async fails', {}, async () => Promise.reject(new TypeError('boom')))).rejects.toThrow('boom');
    const spans = await finished();
    const sync = spans.find((s) => s.name === 'sync fails')!;
    expect(sync.status).toEqual({ code: SpanStatusCode.ERROR, message: 'question: must not be empty' });
    expect(sync.attributes['error.type']).toBe('INPUT');
    expect(sync.events.map((e) => e.name)).toEqual(['exception']);
    expect(spans.find((s) => s.name === 'async fails')!.attributes['error.type']).toBe('TypeError');
  });

  it('withSpanStream: one span over the whole stream, the spans made while producing items under it', async () => {
    async function* produce() {
      for (const n of [1, 2, 3]) yield withSpan(`item ${n}`, {}, async () => n);
    }
    const items: number[] = [];
    for await (const n of withSpanStream('stream', {}, () => produce())) items.push(n);
    // A consumer that stops early ends the span too.
    for await (const n of withSpanStream('stopped', {}, () => produce())) if (n === 1) break;
    expect(items).toEqual([1, 2, 3]);
    const spans = await finished();
    const stream = spans.find((s) => s.name === 'stream')!;
    expect(spans.filter((s) => s.name.startsWith('item') && parentOf(s) === idOf(stream))).toHaveLength(3);
    expect(spans.find((s) => s.name === 'stopped')?.ended).toBe(true);
  });
});

describe('the router: one GenAI span per model call', () => {
  it('cascade: both calls and both answer checks, in order, with the step and the check outcome', async () => {
    const router = createRouter({ models: [fakeModel(SMALL), fakeModel(LARGE)], policy: { kind: 'cascade', models: [SMALL, LARGE] }, clock: createFakeClock() });
    await withSpan('request', {}, () =>
      router.answer({ tenant: 't', inputTokens: 1000, maxTokens: 256 }, async (model): Promise<RunOutput> => ({ usage, check: model.id === SMALL ? badCheck : goodCheck })),
    );
    const spans = await finished();
    const root = spans.find((s) => s.name === 'request')!;
    const under = spans.filter((s) => parentOf(s) === idOf(root)).sort((a, b) => (a.startTime[0] - b.startTime[0]) * 1e9 + (a.startTime[1] - b.startTime[1]));
    expect(under.map((s) => s.name)).toEqual(['chat gpt-4o-mini', 'cascade check', 'chat gpt-4o', 'cascade check']);
    const [small, firstCheck, large, secondCheck] = under;
    expect(small.kind).toBe(SpanKind.CLIENT);
    expect(small.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.max_tokens': 256,
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 100,
      'gen_ai.usage.cache_read.input_tokens': 40,
      'groundwork.model.id': SMALL,
      'groundwork.router.policy': 'cascade',
      'groundwork.router.step': 1,
    });
    expect(small.attributes['groundwork.cost_usd']).toBeGreaterThan(0);
    expect(large.attributes).toMatchObject({ 'gen_ai.request.model': 'gpt-4o', 'groundwork.router.step': 2 });
    expect(firstCheck.attributes).toMatchObject({ 'groundwork.model.id': SMALL, 'groundwork.check.pass': false });
    expect((firstCheck.attributes['groundwork.check.reasons'] as string[]).length).toBeGreaterThan(0);
    expect(secondCheck.attributes).toMatchObject({ 'groundwork.model.id': LARGE, 'groundwork.check.pass': true });
  });

  it('fallback: the failed call is an error span with its retries as events, the next model answers in its own span', async () => {
    const down = await startFakeProvider([{ status: 503 }]);
    const up = await startFakeProvider([{ content: 'from claude', usage: { prompt_tokens: 900, completion_tokens: 50 } }]);
    try {
      const router = createRouter({
        models: [createHttpChatModel(down.url, SMALL), createHttpChatModel(up.url, CLAUDE)],
        policy: { kind: 'fallback', models: [SMALL, CLAUDE] },
        clock: createFakeClock(),
        random: () => 0,
      });
      const answer = await router.answer({ tenant: 't', inputTokens: 900 }, (model, ctx) => model.generate({ messages: [{ role: 'user', content: 'q' }], signal: ctx.signal }));
      expect(answer.model).toBe(CLAUDE);
    } finally {
      await down.close();
      await up.close();
    }
    const spans = await finished();
    const failed = spans.find((s) => s.name === 'chat gpt-4o-mini')!;
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes['error.type']).toBe('PROVIDER');
    expect(failed.events.filter((e) => e.name === 'retry').map((e) => e.attributes?.['groundwork.attempt'])).toEqual([2, 3]);
    expect(failed.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    const claude = spans.find((s) => s.name === 'chat claude-haiku-4-5')!;
    expect(claude.status.code).toBe(SpanStatusCode.UNSET);
    expect(claude.attributes).toMatchObject({ 'gen_ai.provider.name': 'anthropic', 'gen_ai.usage.input_tokens': 900, 'gen_ai.usage.output_tokens': 50, 'groundwork.router.step': 2 });
  });

  it('a stream: one span from the first token to the end, with the usage its events carried; cut short or failed says so', async () => {
    const router = createRouter({ models: [fakeModel(SMALL)], policy: { kind: 'fixed', model: SMALL }, clock: createFakeClock() });
    type Event = { type: 'token'; text: string } | { type: 'usage'; usage: typeof usage };
    const events = async function* (fail: boolean): AsyncGenerator<Event> {
      yield { type: 'token', text: 'a' };
      yield { type: 'usage', usage };
      if (fail) throw new TypeError('provider hung up');
      yield { type: 'token', text: 'b' };
    };
    const usageOf = (event: Event) => (event.type === 'usage' ? event.usage : undefined);
    const seen: string[] = [];
    for await (const event of router.stream({ tenant: 't', inputTokens: 10 }, () => events(false), usageOf)) seen.push(event.type);
    expect(seen).toEqual(['token', 'usage', 'token']);
    for await (const event of router.stream({ tenant: 't', inputTokens: 10, requestId: 'cut' }, () => events(false), usageOf)) if (event.type === 'usage') break;
    await expect(async () => {
      for await (const _ of router.stream({ tenant: 't', inputTokens: 10 }, () => events(true), usageOf)) void _;
    }).rejects.toThrow('provider hung up');

    const spans = (await finished()).filter((s) => s.name === `chat ${providerModelName(fakeModel(SMALL))}`);
    expect(spans).toHaveLength(3);
    const [whole, cut, failed] = spans;
    expect(whole.attributes).toMatchObject({ 'gen_ai.request.stream': true, 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100 });
    expect(whole.attributes['groundwork.stream.cut_short']).toBeUndefined();
    expect(cut.attributes['groundwork.stream.cut_short']).toBe(true);
    expect(cut.status.code).toBe(SpanStatusCode.UNSET);
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes).toMatchObject({ 'error.type': 'TypeError', 'gen_ai.usage.output_tokens': 100 });
  });
});
