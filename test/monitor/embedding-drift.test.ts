import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/types.js';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { DRIFT_PLAYBOOK } from '../../src/monitor/drift-playbook.js';
import { embeddingDrift, queryEmbedderState } from '../../src/monitor/embedding-drift.js';
import { createMonitorCache, splitSettledHours } from '../../src/monitor/monitor-cache.js';
import { runMonitorChecks } from '../../src/monitor/monitor-check.js';
import { monitorOptionsSchema } from '../../src/monitor/monitor-options.js';
import { monitorReport } from '../../src/monitor/monitor-report.js';
import { createMonitor } from '../../src/monitor/monitor-service.js';
import { queryEmbedderIdentity } from '../../src/monitor/query-embedding-capture.js';
import { projectQueryEmbedding, QUERY_PROJECTIONS } from '../../src/monitor/query-projection.js';
import { createTelemetryWriter, type TelemetryWriter } from '../../src/monitor/telemetry-writer.js';
import type { MonitorReport } from '../../src/monitor/types.js';
import { windowStats } from '../../src/monitor/window-stats.js';
import { mulberry32 } from '../../src/random.js';
import { createApp } from '../../src/server/create-app.js';
import { driverCases } from '../helpers/db-drivers.js';
import { hashedEmbedder } from '../helpers/hashed-embedder.js';

const HOUR = 3_600_000;
const TRAVEL = ['travel', 'budget', 'meal', 'flight', 'hotel', 'refund', 'policy', 'receipt', 'taxi', 'visa'];
const TOOLS = ['drill', 'warranty', 'battery', 'charger', 'torque', 'blade', 'motor', 'repair', 'chuck', 'saw'];

/**
 * Records `count` asks over [from, to) whose questions are five words, each from TOOLS with
 * probability `toolShare` and otherwise from TRAVEL, embedded by `embedder` as the server would
 * (the query embedding rides on the row). Question lengths stay alike whichever words are drawn.
 */
async function seedQuestions(writer: TelemetryWriter, embedder: ReturnType<typeof hashedEmbedder>, options: { tenant: string; from: Date; to: Date; count: number; toolShare: number; seed: number }) {
  const random = mulberry32(options.seed);
  const identity = queryEmbedderIdentity(embedder);
  for (let i = 0; i < options.count; i++) {
    const words = Array.from({ length: 5 }, () => {
      const vocabulary = random() < options.toolShare ? TOOLS : TRAVEL;
      return vocabulary[Math.floor(random() * vocabulary.length)];
    });
    const query = words.join(' ');
    writer.record({
      at: new Date(options.from.getTime() + ((options.to.getTime() - options.from.getTime()) * i) / options.count),
      tenant: options.tenant,
      route: 'retrieve',
      status: 200,
      totalMs: 10,
      query,
      confidence: 0.5,
      topScore: 0.5,
      queryEmbedding: { embedder: identity, vector: await embedder.embedQuery(query) },
    });
  }
}

const cases = await driverCases('monitor_embedding_drift');

describe.each(cases)('query-embedding drift ($name)', (driver) => {
  let db: Db;
  const embedder = hashedEmbedder({ dimensions: 64 });
  const start = new Date('2026-11-02T00:00:00Z');
  const referenceTo = new Date(start.getTime() + 24 * HOUR);
  const now = new Date('2026-11-05T01:00:00Z');
  const options = monitorOptionsSchema.parse({ windows: ['1h'], reference: { kind: 'pinned', from: start.toISOString(), to: referenceTo.toISOString() }, retentionDays: 3650 });

  beforeAll(async () => {
    db = await driver.open();
    await migrate(db);
    const writer = createTelemetryWriter({ db, bufferSize: 10_000, flushIntervalMs: 60_000 });
    for (const [tenant, seed] of [['shifted', 1], ['calm', 2]] as const) await seedQuestions(writer, embedder, { tenant, from: start, to: referenceTo, count: 800, toolShare: 0.1, seed });
    // The last hour: the shifted tenant asks mostly about tools; the calm one as before (other draws).
    await seedQuestions(writer, embedder, { tenant: 'shifted', from: new Date(now.getTime() - HOUR), to: now, count: 400, toolShare: 0.7, seed: 3 });
    await seedQuestions(writer, embedder, { tenant: 'calm', from: new Date(now.getTime() - HOUR), to: now, count: 400, toolShare: 0.1, seed: 4 });
    await writer.close();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('stores 16 projected coordinates and the embedder identity per embedded query', async () => {
    const { rows } = await db.query<{ query_embedder: string; query_projection: number[] }>('SELECT query_embedder, query_projection::float8[] AS query_projection FROM telemetry ORDER BY id LIMIT 1');
    expect(rows[0].query_embedder).toBe(queryEmbedderIdentity(embedder));
    expect(rows[0].query_projection).toHaveLength(QUERY_PROJECTIONS);
  });

  it('a shifted embedding distribution raises an alert with the playbook response; an unshifted one does not', async () => {
    const queryEmbedder = queryEmbedderState(embedder, 'test');
    const shifted = await monitorReport(db, { tenant: 'shifted', window: '1h', options, now, queryEmbedder });
    const signal = shifted.drift.find((d) => d.signal === 'query_embedding')!;
    expect(signal).toMatchObject({ type: 'feature', method: 'psi', referenceSamples: 800, currentSamples: 400 });
    expect(['warning', 'critical']).toContain(signal.status);
    expect(signal.statistic).toBeGreaterThan(options.thresholds.psiWarning);
    expect(signal.ks!.pValue).toBeLessThan(options.thresholds.alpha);
    expect(signal.embedding).toMatchObject({ embedder: queryEmbedderIdentity(embedder), components: QUERY_PROJECTIONS });
    expect(signal.embedding!.driftedComponents).toBeGreaterThan(0);
    expect(signal.embedding!.centroidCosineDistance).toBeGreaterThan(0.05);

    const calm = await monitorReport(db, { tenant: 'calm', window: '1h', options, now, queryEmbedder });
    const calmSignal = calm.drift.find((d) => d.signal === 'query_embedding')!;
    expect(calmSignal.status).toBe('none');
    expect(calmSignal.statistic).toBeLessThanOrEqual(options.thresholds.psiWarning);
    expect(calmSignal.embedding!.driftedComponents).toBe(0);
    expect(calmSignal.embedding!.largestPsi).toBeLessThan(signal.embedding!.largestPsi!);
    expect(calmSignal.embedding!.centroidCosineDistance).toBeLessThan(signal.embedding!.centroidCosineDistance!);

    // The checks (which know nothing of the embedder: the rows name it) open the alert for the shifted tenant only.
    const checked = await runMonitorChecks(db, { options, now, log: () => {} });
    const alerts = checked.opened.filter((a) => a.signal === 'query_embedding');
    expect(alerts.map((a) => a.tenant)).toEqual(['shifted']);
    const expected = alerts[0].severity === 'critical' ? DRIFT_PLAYBOOK.featureCritical : DRIFT_PLAYBOOK.featureWarning;
    expect(alerts[0].response).toContain(expected);
    expect(alerts[0].response).toContain('groundwork eval run');
    expect(alerts[0].message).toMatch(/feature drift of query_embedding .* projected components/);
  });

  it('without an embedder the signal is unavailable and says why; rows of another embedder do not compare', async () => {
    const sparse = await monitorReport(db, { tenant: 'shifted', window: '1h', options, now, queryEmbedder: queryEmbedderState(undefined, 'none') });
    const signal = sparse.drift.find((d) => d.signal === 'query_embedding')!;
    expect(signal).toMatchObject({ status: 'unavailable', statistic: null });
    expect(signal.reason).toMatch(/no embedder is installed \(models.embedder.provider: none\)/);
    // A new embedder: its identity has no rows yet, so too few samples, not a false drift.
    const other = await monitorReport(db, { tenant: 'shifted', window: '1h', options, now, queryEmbedder: queryEmbedderState(hashedEmbedder({ id: 'test:other' }), 'test') });
    expect(other.drift.find((d) => d.signal === 'query_embedding')).toMatchObject({ status: 'insufficient-data', currentSamples: 0 });
    // Nothing embedded at all and nothing said: unavailable, with both possible causes.
    const thresholds = options.thresholds;
    const none = embeddingDrift([{ query_embedder: null, query_projection: null }], [], thresholds);
    expect(none.status).toBe('unavailable');
    expect(none.reason).toMatch(/no embedder is installed, or no request embedded its query/);
  });

  it('the report cache of settled hours gives the same figures as reading the windows whole', async () => {
    const cache = createMonitorCache();
    const scope = { tenant: 'calm', from: new Date(start.getTime() + 30 * 60_000), to: new Date(referenceTo.getTime() - 20 * 60_000) };
    const plain = await windowStats(db, scope);
    expect(await windowStats(db, scope, cache, now)).toEqual(plain);
    expect(cache.size).toBeGreaterThan(20);
    expect(await windowStats(db, scope, cache, now)).toEqual(plain);
    // Every row fits the sample (800 + 400 < 5,000): the cached report draws all of them, as the plain one.
    const cached = await monitorReport(db, { tenant: 'calm', window: '1h', options, now, cache });
    const again = await monitorReport(db, { tenant: 'calm', window: '1h', options, now, cache });
    const plainReport = await monitorReport(db, { tenant: 'calm', window: '1h', options, now });
    for (const report of [cached, again]) {
      expect(report.current.stats).toEqual(plainReport.current.stats);
      expect(report.reference.stats).toEqual(plainReport.reference.stats);
      expect(report.drift.map((d) => [d.signal, d.referenceSamples, d.currentSamples, d.statistic])).toEqual(plainReport.drift.map((d) => [d.signal, d.referenceSamples, d.currentSamples, d.statistic]));
    }
  });
});

describe('settled hours', () => {
  it('splits a window into whole hours that ended 5 minutes before now, and the partial edges', () => {
    const at = (time: string) => new Date(`2026-11-05T${time}:00Z`);
    const split = splitSettledHours(at('01:30'), at('04:20'), at('04:20'));
    expect(split.hours.map((h) => h.toISOString())).toEqual(['2026-11-05T02:00:00.000Z', '2026-11-05T03:00:00.000Z']);
    expect(split.edges.map((e) => [e.from.toISOString(), e.to.toISOString()])).toEqual([
      ['2026-11-05T01:30:00.000Z', '2026-11-05T02:00:00.000Z'],
      ['2026-11-05T04:00:00.000Z', '2026-11-05T04:20:00.000Z'],
    ]);
    // The hour that ended 3 minutes ago is not settled yet.
    expect(splitSettledHours(at('01:30'), at('04:03'), at('04:03')).hours.map((h) => h.getUTCHours())).toEqual([2]);
    expect(splitSettledHours(at('01:10'), at('01:50'), at('05:00'))).toEqual({ hours: [], edges: [{ from: at('01:10'), to: at('01:50') }] });
  });
});

describe('query embeddings over HTTP', () => {
  let gw: Groundwork;
  const embedder = hashedEmbedder({ dimensions: 32 });

  beforeAll(async () => {
    gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 'acme' }, useEnvironment: false, embedder });
    await gw.ingest([{ document: { externalId: 'drill', source: 'drill.md', title: 'Drill', text: 'The drill warranty lasts two years from purchase.', format: 'markdown', metadata: {} } }], { tenant: 'acme' });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('a request that embeds its query records the projection of that embedding; a sparse one records none', async () => {
    const monitor = createMonitor({ db: gw.db, options: monitorOptionsSchema.parse({ flushIntervalMs: 60_000 }), log: () => {} });
    const app = createApp(gw, { log: false, monitor, server: { auth: false } });
    try {
      for (const mode of ['hybrid', 'sparse']) {
        const response = await app.request('/v1/retrieve', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'drill warranty', mode }) });
        expect(response.status).toBe(200);
      }
      await monitor.telemetry.flush();
      const { rows } = await gw.db.query<{ query_embedder: string | null; query_projection: number[] | null }>(
        'SELECT query_embedder, query_projection::float8[] AS query_projection FROM telemetry ORDER BY id',
      );
      const identity = queryEmbedderIdentity(embedder);
      expect(rows[0].query_embedder).toBe(identity);
      const expected = projectQueryEmbedding(identity, await embedder.embedQuery('drill warranty'))!;
      rows[0].query_projection!.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 5));
      expect(rows[1]).toEqual({ query_embedder: null, query_projection: null });
      // The report of a server with an embedder compares its identity.
      const report = (await (await app.request('/v1/monitor/report?window=1h')).json()) as MonitorReport;
      expect(report.drift.find((d) => d.signal === 'query_embedding')).toMatchObject({ status: 'insufficient-data', currentSamples: 1, embedding: { embedder: identity } });
    } finally {
      await monitor.close();
    }
  });
});
