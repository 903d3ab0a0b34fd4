import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GroundworkError, InputError } from '../../src/errors.js';
import { toErrorResponse } from '../../src/server/error-response.js';
import { errorStatus } from '../../src/server/error-status.js';
import { createSemaphore } from '../../src/server/concurrency-limit.js';
import { createTokenBucketLimiter } from '../../src/server/rate-limiter.js';

describe('token bucket rate limiter', () => {
  it('allows a minute of burst, then refills continuously', () => {
    let now = 0;
    const limiter = createTokenBucketLimiter(60, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take('k').allowed).toBe(true);
    const refused = limiter.take('k');
    expect(refused).toEqual({ allowed: false, retryAfterMs: 1000 });
    now += 500;
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterMs: 500 });
    now += 500;
    expect(limiter.take('k').allowed).toBe(true);
    expect(limiter.take('other').allowed).toBe(true);
  });

  it('is off at 0 per minute', () => {
    const limiter = createTokenBucketLimiter(0);
    for (let i = 0; i < 1000; i++) expect(limiter.take('k').allowed).toBe(true);
  });
});

describe('error mapping', () => {
  it('maps each code to its status in one place', () => {
    expect(
      Object.fromEntries(
        ['INPUT', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'TOO_LARGE', 'RATE_LIMITED', 'BUDGET_EXCEEDED', 'UNAVAILABLE', 'TIMEOUT', 'PROVIDER', 'DATABASE', 'INTERNAL'].map((c) => [c, errorStatus(c)]),
      ),
    ).toEqual({ INPUT: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, TOO_LARGE: 413, RATE_LIMITED: 429, BUDGET_EXCEEDED: 429, UNAVAILABLE: 503, TIMEOUT: 504, PROVIDER: 500, DATABASE: 500, INTERNAL: 500 });
  });

  it('keeps our errors and hides unknown ones behind the request id', () => {
    expect(toErrorResponse(new InputError('k', 'must be positive'))).toEqual({
      status: 400,
      body: { error: { code: 'INPUT', message: 'k: must be positive', details: { field: 'k', reason: 'must be positive' } } },
    });
    expect(toErrorResponse(new GroundworkError('BUDGET_EXCEEDED', 'daily budget spent')).status).toBe(429);
    const hidden = toErrorResponse(new Error('connection string postgres://secret@db'), 'req-1');
    expect(hidden).toEqual({ status: 500, body: { error: { code: 'INTERNAL', message: 'internal error (request req-1)' } } });
    const zod = z.object({ a: z.number() }).safeParse({ a: 'x' });
    expect(toErrorResponse(zod.error).body.error.details).toEqual({ fields: [{ field: 'a', message: expect.any(String) }] });
  });
});

describe('concurrency limit', () => {
  it('serves waiters in order as slots free up; an aborted waiter leaves with TIMEOUT', async () => {
    const semaphore = createSemaphore(1);
    const never = new AbortController().signal;
    const first = await semaphore.acquire(never, 1000);
    const order: string[] = [];
    const second = semaphore.acquire(never, 1000).then((release) => {
      order.push('second');
      return release;
    });
    const aborted = new AbortController();
    const third = semaphore.acquire(aborted.signal, 1000);
    const fourth = semaphore.acquire(never, 1000).then((release) => {
      order.push('fourth');
      return release;
    });
    expect(semaphore.waiting).toBe(3);
    aborted.abort(Object.assign(new Error('t'), { name: 'TimeoutError' }));
    await expect(third).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(semaphore.waiting).toBe(2);
    first();
    (await second)();
    (await fourth)();
    expect(order).toEqual(['second', 'fourth']);
    expect(semaphore.active).toBe(0);
  });
});
