import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroundwork, type Groundwork } from '../../../src/groundwork.js';
import { groundworkTracer, startTracing, type Tracing } from '../../../src/monitor/tracing/index.js';
import { createApp } from '../../../src/server/create-app.js';
import { hashedEmbedder } from '../../helpers/hashed-embedder.js';
import { ACME_DOCS, readJson, recordingChatModel } from '../../server/server-fixtures.js';
import { doc, wholeDocumentChunker } from '../../helpers/whole-document-chunker.js';
import { ancestry, startOtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

const ask = (app: ReturnType<typeof createApp>, requestId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  app.request('/v1/ask', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...headers } });

/** The spans of one request, by its id. */
const ofRequest = (spans: ReceivedSpan[], requestId: string) => spans.filter((s) => s.attributes['groundwork.request_id'] === requestId);

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let gw: Groundwork;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // Hybrid retrieval (an embedder, so both legs run) and a recording chat model priced like the server tests'.
  gw = await createGroundwork({
    config: {
      dataDir: 'memory://',
      tenant: 'default',
      generate: { refusalThreshold: 0.05 },
      router: { models: [{ id: 'recording:test', inputPerMillion: 1, outputPerMillion: 2, cachedInputPerMillion: 0.5, contextWindow: 16_000, tier: 'small' }] },
    },
    useEnvironment: false,
    chunker: wholeDocumentChunker('document'),
    embedder: hashedEmbedder(),
    chatModel: recordingChatModel(),
  });
  await gw.ingest(ACME_DOCS.map((document) => ({ document })), { tenant: 'acme' });
});
afterAll(async () => {
  await gw.close();
  await receiver.close();
});

describe('with OTEL_EXPORTER_OTLP_ENDPOINT unset', () => {
  it('starts nothing: no provider, no-op spans, and an answered request sends nothing', async () => {
    expect(await startTracing({ PATH: process.env.PATH })).toBeUndefined();
    const span = groundworkTracer().startSpan('probe');
    expect(span.isRecording()).toBe(false);
    span.end();
    const app = createApp(gw, { server: { auth: false }, log: false });
    const res = await ask(app, 'untraced-0001', { question: 'Which class of flights may employees book?', tenant: 'acme' });
    expect(res.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.requests).toEqual([]);
  });
});

describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  let tracing: Tracing;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    const started = await startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'groundwork-test' });
    expect(started).toBeDefined();
    tracing = started!;
    app = createApp(gw, { server: { auth: false }, log: false });
  });
  afterAll(() => tracing.shutdown());

  it('exports one trace per request over OTLP/HTTP JSON: the root span, stage spans under it, the request id on each', async () => {
    const res = await ask(app, 'traced-0001', { question: 'How long is the drill warranty?', tenant: 'acme' });
    expect(res.status).toBe(200);
    expect((await readJson(res)).answer).toContain('two year warranty');
    await tracing.forceFlush();

    expect(receiver.requests.every((r) => r.path === '/v1/traces' && r.contentType === 'application/json')).toBe(true);
    const all = receiver.spans();
    const spans = ofRequest(all, 'traced-0001');
    // Every span of the trace carries the request id, so the trace is exactly the request's spans.
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(all.filter((s) => s.traceId === spans[0].traceId)).toHaveLength(spans.length);

    const roots = spans.filter((s) => s.parentSpanId === undefined);
    expect(roots).toHaveLength(1);
    const [root] = roots;
    expect(root).toMatchObject({ name: 'POST /v1/ask', kind: SERVER, scope: 'groundwork' });
    expect(root.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/ask',
      'url.path': '/v1/ask',
      'http.response.status_code': 200,
      'groundwork.request_id': 'traced-0001',
    });
    expect(root.resource).toMatchObject({ 'service.name': 'groundwork-test', 'telemetry.sdk.name': 'opentelemetry' });

    // The model call: GenAI conventions, a client span in the request's tree.
    const model = spans.find((s) => s.attributes['gen_ai.operation.name'] === 'chat');
    expect(model).toBeDefined();
    expect(model).toMatchObject({ name: 'chat test', kind: CLIENT });
    expect(model!.attributes).toMatchObject({
      'gen_ai.provider.name': 'recording',
      'gen_ai.system': 'recording',
      'gen_ai.request.model': 'test',
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 12,
      'groundwork.model.id': 'recording:test',
      'groundwork.router.policy': 'fixed',
      'groundwork.router.step': 1,
    });
    expect(ancestry(spans, model!).at(-1)).toBe('POST /v1/ask');
    // Children start and end inside their parents. The SDK takes a span's start from Date.now()
    // (whole milliseconds) and its end as start + a precise duration: allow that millisecond.
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const SLACK_NS = 1_000_000n;
    for (const span of spans.filter((s) => s.parentSpanId)) {
      const parent = byId.get(span.parentSpanId!)!;
      expect(parent, `${span.name} has its parent in the trace`).toBeDefined();
      expect(span.startNs + SLACK_NS >= parent.startNs && span.endNs <= parent.endNs + SLACK_NS, `${span.name} within ${parent.name}`).toBe(true);
    }

    // The stages, each under the span it belongs to.
    const parentName = (span: ReceivedSpan) => byId.get(span.parentSpanId ?? '')?.name;
    const only = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(found, name).toHaveLength(1);
      return found[0];
    };
    expect(parentName(only('ask'))).toBe('POST /v1/ask');
    expect(only('ask').attributes).toMatchObject({ 'groundwork.answer.refused': false, 'groundwork.cache.outcome': 'miss', 'groundwork.tenant': 'acme' });
    expect(parentName(only('cache lookup'))).toBe('ask');
    expect(only('cache lookup').attributes['groundwork.cache.outcome']).toBe('miss');
    const retrieve = only('retrieve');
    expect(ancestry(spans, retrieve)).toContain('ask');
    expect(retrieve.attributes).toMatchObject({ 'gen_ai.operation.name': 'retrieval', 'groundwork.retrieve.mode': 'hybrid' });
    for (const leg of ['sparse', 'dense']) {
      expect(parentName(only(`retrieve ${leg}`))).toBe('retrieve');
      expect(only(`retrieve ${leg}`).attributes['groundwork.retrieve.hits']).toBeGreaterThan(0);
    }
    expect(parentName(only('fusion'))).toBe('retrieve');
    expect(only('answer decision').attributes['groundwork.decision']).toBe('answer');
    expect(parentName(model!)).toBe('generate');
    expect(only('generate').attributes).toMatchObject({ 'groundwork.router.model': 'recording:test', 'groundwork.router.calls': 1 });
    expect(ancestry(spans, only('cache write'))).toContain('ask');
    // The stages in their order.
    const order = ['cache lookup', 'retrieve', 'answer decision', 'generate', 'cache write'].map((name) => only(name).startNs);
    expect([...order].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(order);
  });

  it('a streamed answer: the root span lasts until the stream ends, the streamed model call under it', async () => {
    const res = await ask(app, 'traced-stream-0002', { question: 'What is the daily meal allowance while travelling?', tenant: 'acme', stream: true });
    expect(res.status).toBe(200);
    await res.text();
    await tracing.forceFlush();
    const spans = ofRequest(receiver.spans(), 'traced-stream-0002');
    const root = spans.find((s) => s.parentSpanId === undefined)!;
    expect(root).toMatchObject({ name: 'POST /v1/ask', kind: SERVER });
    expect(root.attributes['http.response.status_code']).toBe(200);
    const model = spans.find((s) => s.attributes['gen_ai.request.stream'] === true);
    expect(model).toMatchObject({ name: 'chat test', kind: CLIENT });
    expect(ancestry(spans, model!).slice(1)).toEqual(['ask stream', 'POST /v1/ask']);
    for (const stage of ['cache lookup', 'retrieve', 'retrieve sparse', 'retrieve dense', 'answer decision', 'cache write']) {
      expect(spans.filter((s) => s.name === stage).map((s) => ancestry(spans, s).includes('ask stream')), stage).toEqual([true]);
    }
    expect(model!.attributes['gen_ai.usage.output_tokens']).toBe(12);
    expect(ancestry(spans, model!).at(-1)).toBe('POST /v1/ask');
    expect(model!.endNs <= root.endNs).toBe(true);
  });

  it("joins the caller's trace from a W3C traceparent header", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await ask(app, 'traced-parent-0003', { question: 'How long is the drill warranty?', tenant: 'acme' }, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(res.status).toBe(200);
    await tracing.forceFlush();
    const spans = ofRequest(receiver.spans(), 'traced-parent-0003');
    const root = spans.find((s) => s.name === 'POST /v1/ask')!;
    expect(root).toMatchObject({ traceId, parentSpanId: '00f067aa0ba902b7' });
    expect(spans.every((s) => s.traceId === traceId)).toBe(true);
    // The same question again: an exact cache hit, so no retrieval and no model call.
    expect(spans.find((s) => s.name === 'cache lookup')!.attributes['groundwork.cache.outcome']).toBe('exact');
    expect(spans.filter((s) => s.name === 'retrieve' || s.attributes['gen_ai.operation.name'] === 'chat')).toEqual([]);
  });

  it('ingest: one span per run, with a span per batch prepared and written under it', async () => {
    const before = receiver.spans().length;
    const summary = await gw.ingest([{ document: doc('gloves.md', 'Cut-resistant gloves are required in the loading bay.', { title: 'Safety' }) }], { tenant: 'acme' });
    expect(summary.documents.added).toBe(1);
    await tracing.forceFlush();
    const spans = receiver.spans().slice(before);
    const run = spans.find((s) => s.name === 'ingest')!;
    expect(run.attributes).toMatchObject({ 'groundwork.tenant': 'acme', 'groundwork.ingest.documents.added': 1 });
    for (const name of ['ingest prepare batch', 'ingest write batch']) {
      const batch = spans.find((s) => s.name === name)!;
      expect(batch.parentSpanId, name).toBe(run.spanId);
      expect(batch.attributes['groundwork.ingest.documents']).toBe(1);
    }
  });

  it('an error response: 4xx is not an error of the server span, 5xx is', async () => {
    const bad = await ask(app, 'traced-bad-0004', { tenant: 'acme' });
    expect(bad.status).toBe(400);
    await tracing.forceFlush();
    const root = ofRequest(receiver.spans(), 'traced-bad-0004').find((s) => s.parentSpanId === undefined)!;
    expect(root.attributes).toMatchObject({ 'http.response.status_code': 400, 'groundwork.error_code': 'INPUT' });
    expect(root.statusCode).not.toBe(ERROR);

    const failing = createApp(gw, { server: { auth: false }, log: false, onInternalError: () => {} });
    failing.get('/v1/boom', () => {
      throw new TypeError('kaput');
    });
    const boom = await failing.request('/v1/boom', { headers: { 'x-request-id': 'traced-boom-0005' } });
    expect(boom.status).toBe(500);
    await tracing.forceFlush();
    const failed = ofRequest(receiver.spans(), 'traced-boom-0005').find((s) => s.parentSpanId === undefined)!;
    expect(failed).toMatchObject({ name: 'GET /v1/boom', statusCode: ERROR });
    expect(failed.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': 'INTERNAL' });
    expect(failed.events.map((e) => e.name)).toEqual(['exception']);
  });
});
