import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createToolPool, type ToolPool } from '../../src/classic-ml/tool-pool.js';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { createApp } from '../../src/server/create-app.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { readJson } from './server-fixtures.js';

/** A gradient-boosting job under the caps that takes ~8 s on an idle machine: 4,000 x 40, 300 trees of depth 12 (~480 KB of JSON). */
function longTrainBody(): string {
  const X = Array.from({ length: 4000 }, (_, i) => Array.from({ length: 40 }, (_, j) => (i * 7 + j * 13 + ((i * j) % 11)) % 97));
  return JSON.stringify({ model: 'gradient-boosting', X, y: X.map((row) => (row[0] + row[1] > 97 ? 1 : 0)), options: { nEstimators: 300, maxDepth: 12 } });
}
const json = (body: string, signal?: AbortSignal): RequestInit => ({ method: 'POST', body, headers: { 'content-type': 'application/json' }, signal });
const until = async (condition: () => boolean, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

let gw: Groundwork;
let pool: ToolPool;
let server: RunningServer;
const body = longTrainBody();
beforeAll(async () => {
  gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 'default' }, useEnvironment: false }); // tools need no documents
  pool = createToolPool({ workers: 1, queueLimit: 1, timeoutMs: 30_000 });
  server = await startServer({ groundwork: gw, port: 0, host: '127.0.0.1', log: false, closeGroundwork: false, toolPool: pool, server: { auth: false, requestTimeoutMs: 3000, shutdownGraceMs: 500 } });
});
afterAll(async () => {
  await server.close();
  await pool.close();
  await gw.close();
});

describe('tool runs over a real socket', () => {
  it('serves /health in < 50 ms while a fit runs, then stops the fit at the request timeout (504) and frees its worker', async () => {
    const started = Date.now();
    const response = fetch(`${server.url}/v1/tools/train`, json(body));
    onTestFinished(() => response.then(() => undefined, () => undefined)); // a failure here must not leave the fit to the next test
    await until(() => pool.stats().busy === 1);
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const at = performance.now();
      const health = await fetch(`${server.url}/health`);
      await health.arrayBuffer();
      latencies.push(performance.now() - at);
      expect(health.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(pool.stats().busy).toBe(1); // the fit was still running while /health answered
    // A fit on the event loop would hold every /health for seconds (it runs ~5 s). The median must
    // be < 50 ms; single samples may be slower when the 2 shared cores are oversubscribed (load
    // averages of 20 seen here put a few at 80-140 ms with the event loop free).
    latencies.sort((a, b) => a - b);
    expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(50);
    expect(latencies.at(-1)).toBeLessThan(500);
    const res = await response;
    expect(res.status).toBe(504);
    expect((await readJson(res)).error.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(6000); // at the request timeout, not when the fit would have ended
    // The worker was terminated (its thread exited), not left computing, and a fresh one started
    // in its place (runs on it: the memory-limit test below).
    await until(() => pool.stats().threads === 1 && pool.stats().started === 2, 5000);
    expect(pool.stats()).toMatchObject({ busy: 0, queued: 0, stopped: 1 });
  });

  it('a full pool answers 503 with Retry-After; a client that leaves cancels its run', async () => {
    const slow = await startServer({ groundwork: gw, port: 0, host: '127.0.0.1', log: false, closeGroundwork: false, toolPool: pool, server: { auth: false, requestTimeoutMs: 20_000, shutdownGraceMs: 300 } });
    try {
      const stopped = pool.stats().stopped;
      const leaving = [new AbortController(), new AbortController()];
      const start = (controller: AbortController) => fetch(`${slow.url}/v1/tools/train`, json(body, controller.signal)).catch((error: Error) => error);
      const running = [start(leaving[0])];
      onTestFinished(() => leaving.forEach((controller) => controller.abort()));
      await until(() => pool.stats().busy === 1);
      running.push(start(leaving[1]));
      await until(() => pool.stats().queued === 1);
      const refused = await fetch(`${slow.url}/v1/tools/train`, json(body));
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(30); // the running fit's time limit
      expect((await readJson(refused)).error).toMatchObject({ code: 'UNAVAILABLE', details: { workers: 1, queued: 1 } });
      // The queued run leaves first: dropped from the queue, no worker stopped.
      leaving[1].abort();
      await until(() => pool.stats().queued === 0);
      expect(pool.stats()).toMatchObject({ busy: 1, stopped });
      // Then the running one: its worker is terminated, not left computing.
      leaving[0].abort();
      await Promise.all(running);
      await until(() => pool.stats().busy === 0 && pool.stats().threads === 1, 3000);
      expect(pool.stats().stopped).toBe(stopped + 1);
    } finally {
      await slow.close();
    }
  });
});

describe('tool limits in-process', () => {
  it('400 naming the field for over-cap input, before anything is queued', async () => {
    const fresh = createToolPool({ workers: 1 });
    const app = createApp(gw, { server: { auth: false }, log: false, toolPool: fresh });
    const X = Array.from({ length: 100 }, (_, i) => [i % 7, i % 5]);
    const res = await app.request('/v1/tools/train', json(JSON.stringify({ model: 'gradient-boosting', X, y: X.map((r) => r[0] % 2), options: { nEstimators: 5000, maxDepth: 16 } })));
    expect(res.status).toBe(400);
    const error = (await readJson(res)).error;
    expect(error).toMatchObject({ code: 'INPUT', details: { field: 'options.nEstimators', value: 5000, limit: 1000 } });
    expect(error.message).toMatch(/options\.nEstimators: 5,000 trees, over the limit of 1,000 trees per run/);
    expect(fresh.stats()).toMatchObject({ started: 0, completed: 0 });
    await fresh.close();
  });

  it('a run past the memory limit fails with 413 naming the limit; the server keeps serving', async () => {
    const small = createToolPool({ workers: 1, memoryMb: 16 });
    const app = createApp(gw, { server: { auth: false }, log: false, toolPool: small });
    const words = Array.from({ length: 600 }, (_, i) => `w${i.toString(36)}`);
    const train = Array.from({ length: 5000 }, (_, i) => ({ text: Array.from({ length: 12 }, (_, j) => words[(i * 31 + j * 17) % 600]).join(' ') }));
    // 5,000 rows x 100 TF-IDF features: at the cap, tens of MB of row objects in the worker.
    const res = await app.request('/v1/tools/features', json(JSON.stringify({ train, steps: [{ kind: 'tfidf', column: 'text', maxFeatures: 100 }] })));
    expect(res.status).toBe(413);
    expect((await readJson(res)).error).toMatchObject({ code: 'TOO_LARGE', details: { tool: 'features', memoryLimitMb: 16 } });
    expect((await app.request('/health')).status).toBe(200);
    const after = await app.request('/v1/tools/drift', json(JSON.stringify({ reference: [1, 2, 3], current: [2, 3, 4], method: 'ks' })));
    expect(after.status).toBe(200);
    expect(small.stats()).toMatchObject({ stopped: 1, started: 2 });
    await small.close();
  });
});
