import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Groundwork } from '../../src/groundwork.js';
import { createMonitor, type Monitor } from '../../src/monitor/monitor-service.js';
import { monitorOptionsSchema } from '../../src/monitor/monitor-options.js';
import type { MonitorReport, MonitorSeries } from '../../src/monitor/types.js';
import { createApiKey } from '../../src/server/api-keys.js';
import { createApp } from '../../src/server/create-app.js';
import { createServerMetrics } from '../../src/server/server-metrics.js';
import { corpusGroundwork, readJson, tenantKeys } from '../server/server-fixtures.js';

let gw: Groundwork;
let monitor: Monitor;
let app: ReturnType<typeof createApp>;
let keys: { acme: string; globex: string };
let admin: string;
const metrics = createServerMetrics({ processMetrics: false });
const ids: Record<string, string[]> = { acme: [], globex: [] };
const bodies: string[] = [];

beforeAll(async () => {
  gw = await corpusGroundwork();
  monitor = createMonitor({ db: gw.db, options: monitorOptionsSchema.parse({ flushIntervalMs: 60_000, webhookUrl: undefined }), registry: metrics.registry, terms: (text) => gw.analyzer.terms(text), log: () => {} });
  app = createApp(gw, { log: false, monitor, metrics });
  keys = await tenantKeys(gw);
  admin = `Bearer ${(await createApiKey(gw.db, 'ops', { admin: true })).secret}`;
});
afterAll(async () => {
  await monitor?.close();
  await gw?.close();
});

const post = async (path: string, authorization: string, body: unknown, tenant: 'acme' | 'globex') => {
  const response = await app.request(path, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  bodies.push(await response.text()); // a stream is recorded when its last byte has gone out
  ids[tenant].push(response.headers.get('x-request-id')!);
  return response;
};
const get = (path: string, authorization: string) => app.request(path, { headers: { authorization } });

describe('telemetry over HTTP and the monitor endpoints', () => {
  it('records one row per ask, streamed ask, retrieve and failed request, with the tenant, route, status and request id', async () => {
    for (let i = 0; i < 3; i++) expect((await post('/v1/ask', keys.acme, { question: 'How long is the drill warranty?' }, 'acme')).status).toBe(200);
    expect((await post('/v1/ask', keys.acme, { question: 'How long is the drill warranty?', stream: true }, 'acme')).status).toBe(200);
    expect((await post('/v1/ask', keys.acme, { question: 42 }, 'acme')).status).toBe(400);
    for (let i = 0; i < 2; i++) expect((await post('/v1/retrieve', keys.globex, { query: 'Falcon budget' }, 'globex')).status).toBe(200);
    await monitor.telemetry.flush();
    const rows = await gw.db.query<{ request_id: string; tenant: string; route: string; status: number; total_ms: number }>('SELECT request_id, tenant, route, status, total_ms FROM telemetry ORDER BY id');
    expect(rows.rows.map((r) => [r.tenant, r.route, r.status])).toEqual([
      ['acme', 'ask', 200],
      ['acme', 'ask', 200],
      ['acme', 'ask', 200],
      ['acme', 'ask-stream', 200],
      ['acme', 'ask', 400],
      ['globex', 'retrieve', 200],
      ['globex', 'retrieve', 200],
    ]);
    expect(rows.rows.map((r) => r.request_id)).toEqual([...ids.acme, ...ids.globex]);
    expect(rows.rows.every((r) => r.total_ms > 0)).toBe(true);

    // What the routes add: the answer's outcome, cache, model, scores, query and stage times.
    const details = await gw.db.query<Record<string, unknown>>(
      'SELECT route, status, refused, cache, model, confidence, top_score, query_length, query_terms, stage_ms FROM telemetry ORDER BY id',
    );
    const [firstAsk, secondAsk, , streamed, failed, retrieved] = details.rows;
    const answered = JSON.parse(bodies[0]) as { refused: boolean; requestId: string };
    expect(firstAsk).toMatchObject({ refused: answered.refused, cache: 'miss', model: 'extractive', query_length: 'How long is the drill warranty?'.length, query_terms: ['how', 'long', 'drill', 'warranti'] });
    expect(firstAsk.confidence).toBeGreaterThan(0);
    expect(firstAsk.top_score).toBeGreaterThan(0);
    expect(Object.keys(firstAsk.stage_ms as object)).toEqual(expect.arrayContaining(['total', 'cache', 'retrieve', 'decision', 'generation']));
    expect(secondAsk).toMatchObject({ cache: 'exact', refused: answered.refused });
    expect(streamed).toMatchObject({ route: 'ask-stream', refused: answered.refused, model: 'extractive' });
    expect(streamed.cache).not.toBeNull();
    expect(Object.keys(streamed.stage_ms as object)).toContain('total');
    expect(failed).toMatchObject({ status: 400, refused: null, model: null, query_length: null });
    expect(retrieved).toMatchObject({ route: 'retrieve', refused: null, cache: null, query_terms: ['falcon', 'budget'] });
    expect(retrieved.top_score).toBeGreaterThan(0);
  });

  it('GET /v1/monitor/report is scoped by the key: a tenant sees its own rows, another tenant is 403, an admin sees all or one', async () => {
    const acme = (await readJson(await get('/v1/monitor/report?window=1h', keys.acme))) as MonitorReport;
    expect(acme.tenant).toBe('acme');
    expect(acme.current.stats.requests).toBe(5);
    expect(acme.current.stats.byRoute).toEqual({ ask: 4, 'ask-stream': 1 });
    expect(acme.drift.map((d) => d.signal)).toEqual(['query_length', 'top_score', 'confidence', 'answerability', 'query_terms', 'query_embedding']);
    expect(acme.drift.filter((d) => d.signal !== 'query_embedding').every((d) => d.status === 'insufficient-data')).toBe(true);
    // This server has no embedder (lexical-only): the embedding signal says so, and why, instead of being left out.
    expect(gw.embedder).toBeUndefined();
    const embedding = acme.drift.find((d) => d.signal === 'query_embedding')!;
    expect(embedding).toMatchObject({ status: 'unavailable', statistic: null });
    expect(embedding.reason).toMatch(/no embedder is installed .*lexical-only/);
    const globex = (await readJson(await get('/v1/monitor/report?window=1h', keys.globex))) as MonitorReport;
    expect(globex.current.stats.requests).toBe(2);
    expect((await get('/v1/monitor/report?tenant=globex', keys.acme)).status).toBe(403);
    const all = (await readJson(await get('/v1/monitor/report?window=1h', admin))) as MonitorReport;
    expect(all.tenant).toBeNull();
    expect(all.current.stats.requests).toBe(7);
    const one = (await readJson(await get('/v1/monitor/report?window=1h&tenant=globex', admin))) as MonitorReport;
    expect(one.current.stats.requests).toBe(2);
    const bad = await get('/v1/monitor/report?window=2w', keys.acme);
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).error.message).toMatch(/window/);
    expect((await get('/v1/monitor/report', '')).status).toBe(401);
  });

  it('GET /v1/monitor/series gives evenly spaced points from the rollups, scoped the same way', async () => {
    const series = (await readJson(await get('/v1/monitor/series?window=1h&step=5m', keys.acme))) as MonitorSeries;
    expect(series.stepSeconds).toBe(300);
    expect(series.points.length).toBeGreaterThanOrEqual(12);
    expect(series.points.length).toBeLessThanOrEqual(13);
    expect(series.points.reduce((sum, p) => sum + p.requests, 0)).toBe(5);
    expect(series.points.reduce((sum, p) => sum + p.errors, 0)).toBe(0);
    const busy = series.points.filter((p) => p.requests > 0);
    expect(busy.every((p) => p.p50Ms !== null && p.p95Ms !== null)).toBe(true);
    const all = (await readJson(await get('/v1/monitor/series?window=1d', admin))) as MonitorSeries;
    expect(all.stepSeconds).toBe(900);
    expect(all.points.reduce((sum, p) => sum + p.requests, 0)).toBe(7);
    const bad = await get('/v1/monitor/series?window=7d&step=1m', admin);
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).error.message).toMatch(/step/);
  });

  it('GET /v1/monitor/alerts lists a tenant its own open alerts; /metrics carries a gauge per open alert', async () => {
    await gw.db.query(
      `INSERT INTO monitor_alerts (tenant, key, window_name, kind, signal, severity, value, threshold, message, response)
       VALUES ('globex', '1h:drift:query_length', '1h', 'drift', 'query_length', 'warning', 0.17, 0.1, 'feature drift of query_length', 'Investigate cause, monitor performance')`,
    );
    expect((await readJson(await get('/v1/monitor/alerts', keys.acme))).alerts).toEqual([]);
    const globex = (await readJson(await get('/v1/monitor/alerts', keys.globex))).alerts;
    expect(globex).toHaveLength(1);
    expect(globex[0]).toMatchObject({ tenant: 'globex', key: '1h:drift:query_length', severity: 'warning', value: 0.17 });
    expect((await readJson(await get('/v1/monitor/alerts', admin))).alerts).toHaveLength(1);
    // A check with too little traffic to decide leaves the alert open and exports it.
    const result = await monitor.check();
    expect(result.open.map((a) => a.key)).toEqual(['1h:drift:query_length']);
    const text = await (await app.request('/metrics')).text();
    expect(text).toMatch(/groundwork_monitor_alert\{tenant="globex",key="1h:drift:query_length",kind="drift",signal="query_length",window="1h",severity="warning"\} 0\.17/);
    expect(text).toContain('groundwork_telemetry_dropped_total');
  });
});
