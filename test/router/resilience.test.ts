import { afterEach, describe, expect, it } from 'vitest';
import { GroundworkError, ProviderError } from '../../src/errors.js';
import { createCircuitBreaker } from '../../src/router/circuit-breaker.js';
import { createProviderResilience, type ResilienceOptions } from '../../src/router/provider-resilience.js';
import { retryDelayMs } from '../../src/router/retry-with-backoff.js';
import { createFakeClock } from './helpers/fake-clock.js';
import { createHttpChatModel, startFakeProvider } from './helpers/fake-provider-server.js';

const options = (overrides: Partial<ResilienceOptions> = {}): ResilienceOptions => ({
  timeoutMs: 5000,
  retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 },
  breaker: { failureThreshold: 100, windowMs: 60_000, halfOpenAfterMs: 30_000 },
  maxConcurrency: 8,
  maxQueue: 100,
  ...overrides,
});

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const serve = async (...args: Parameters<typeof startFakeProvider>) => {
  const server = await startFakeProvider(...args);
  servers.push(server);
  return server;
};
const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

describe('retries', () => {
  it('stop at maxAttempts and surface the last error', async () => {
    const server = await serve([{ status: 503 }]);
    const model = createHttpChatModel(server.url, 'openai:gpt-4o-mini');
    const clock = createFakeClock();
    const resilience = createProviderResilience('openai', options(), { clock, random: () => 1 });
    const error = await resilience.execute((signal) => model.generate({ ...ask, signal })).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).status).toBe(503);
    expect(server.requests).toHaveLength(3);
    // full jitter with random() = 1 hits the ceiling: base * 2^(attempt - 1)
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it('honor Retry-After (seconds) instead of the backoff', async () => {
    const server = await serve([{ status: 429, retryAfter: '7' }, { status: 429, retryAfter: '2' }, { content: 'fine' }]);
    const model = createHttpChatModel(server.url, 'openai:gpt-4o-mini');
    const clock = createFakeClock();
    const resilience = createProviderResilience('openai', options(), { clock, random: () => 0.5 });
    const result = await resilience.execute((signal) => model.generate({ ...ask, signal }));
    expect(result.text).toBe('fine');
    expect(clock.sleeps).toEqual([7000, 2000]);
    expect(server.requests).toHaveLength(3);
  });

  it('do not retry non-retryable errors, nor wait for a Retry-After beyond the cap', async () => {
    const bad = await serve([{ status: 400 }]);
    const clock = createFakeClock();
    const resilience = createProviderResilience('openai', options(), { clock });
    await expect(resilience.execute((signal) => createHttpChatModel(bad.url, 'openai:x').generate({ ...ask, signal }))).rejects.toMatchObject({ status: 400 });
    expect(bad.requests).toHaveLength(1);
    const slow = await serve([{ status: 429, retryAfter: '3600' }]);
    await expect(resilience.execute((signal) => createHttpChatModel(slow.url, 'openai:x').generate({ ...ask, signal }))).rejects.toMatchObject({ status: 429 });
    expect(slow.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('use full jitter: delays spread over [0, ceiling)', () => {
    const o = options().retry;
    const error = new ProviderError({ provider: 'p', model: 'm', status: 500, message: 'x' });
    expect(retryDelayMs(3, error, o, () => 0).delayMs).toBe(0);
    expect(retryDelayMs(3, error, o, () => 0.5).delayMs).toBe(200);
    expect(retryDelayMs(20, error, o, () => 0.999).delayMs).toBeLessThan(10_000);
  });

  it('time out slow attempts and retry them', async () => {
    const server = await serve([{ latencyMs: 2000 }, { content: 'quick' }]);
    const model = createHttpChatModel(server.url, 'openai:gpt-4o-mini');
    const resilience = createProviderResilience('openai', options({ timeoutMs: 100 }), { clock: createFakeClock() });
    const attempts: number[] = [];
    const result = await resilience.execute((signal, attempt) => {
      attempts.push(attempt);
      return model.generate({ ...ask, signal });
    });
    expect(result.text).toBe('quick');
    expect(attempts).toEqual([1, 2]);
  });
});

describe('circuit breaker', () => {
  it('opens after N failures in the window, half-opens after the wait, closes on a successful probe', async () => {
    let healthy = false;
    const server = await serve(() => (healthy ? { content: 'up' } : { status: 500 }));
    const model = createHttpChatModel(server.url, 'openai:gpt-4o-mini');
    const clock = createFakeClock();
    const states: string[] = [];
    const resilience = createProviderResilience('openai', options({ retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 }, breaker: { failureThreshold: 3, windowMs: 10_000, halfOpenAfterMs: 5000 } }), {
      clock,
      events: { onCircuit: (_, state) => states.push(state) },
    });
    const call = () => resilience.execute((signal) => model.generate({ ...ask, signal }));
    for (let i = 0; i < 3; i++) await expect(call()).rejects.toBeInstanceOf(ProviderError);
    expect(resilience.breaker.state).toBe('open');
    const refused = await call().catch((e) => e);
    expect(refused).toBeInstanceOf(GroundworkError);
    expect((refused as GroundworkError).code).toBe('UNAVAILABLE');
    expect(server.requests).toHaveLength(3); // the open circuit sent nothing
    clock.advance(5000);
    expect(resilience.breaker.state).toBe('half-open');
    // a failed probe opens it again
    await expect(call()).rejects.toBeInstanceOf(ProviderError);
    expect(resilience.breaker.state).toBe('open');
    clock.advance(5000);
    healthy = true;
    expect((await call()).text).toBe('up');
    expect(resilience.breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('forgets failures older than the window', async () => {
    const clock = createFakeClock();
    const breaker = createCircuitBreaker('p', { failureThreshold: 3, windowMs: 1000, halfOpenAfterMs: 1000, clock, isFailure: () => true });
    const fail = () => breaker.execute(() => Promise.reject(new Error('x'))).catch(() => undefined);
    await fail();
    await fail();
    clock.advance(1500);
    await fail();
    expect(breaker.state).toBe('closed');
    await fail();
    await fail();
    expect(breaker.state).toBe('open');
  });

  it('lets exactly one probe through while half-open', async () => {
    const clock = createFakeClock();
    const breaker = createCircuitBreaker('p', { failureThreshold: 1, windowMs: 1000, halfOpenAfterMs: 100, clock, isFailure: () => true });
    await breaker.execute(() => Promise.reject(new Error('x'))).catch(() => undefined);
    clock.advance(100);
    let release!: () => void;
    const probe = breaker.execute(() => new Promise<string>((resolve) => (release = () => resolve('ok'))));
    await expect(breaker.execute(async () => 'second')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    release();
    expect(await probe).toBe('ok');
    expect(breaker.state).toBe('closed');
  });
});

describe('concurrency limit', () => {
  it('keeps at most maxConcurrency calls in flight and refuses beyond the queue', async () => {
    const resilience = createProviderResilience('p', options({ maxConcurrency: 2, maxQueue: 3 }), { clock: createFakeClock() });
    let inFlight = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const task = () =>
      resilience.execute(async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise<void>((resolve) => gates.push(resolve));
        inFlight--;
        return 'done';
      });
    const running = Array.from({ length: 5 }, task);
    const rejected = await task().catch((e) => e);
    expect(rejected).toMatchObject({ code: 'RATE_LIMITED' });
    while (gates.length > 0 || inFlight > 0) {
      gates.splice(0).forEach((open) => open());
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(running)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(peak).toBe(2);
  });
});
