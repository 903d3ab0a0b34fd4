import { describe, expect, it } from 'vitest';
import { InputError, ProviderError } from '../../src/errors.js';
import { asProviderFailure, retryAfterFromHeaders, toProviderError } from '../../src/models/provider-error.js';
import { retryDelayMs, withRetry } from '../../src/models/retry.js';

const providerError = (status: number, retryAfterMs?: number) => new ProviderError({ provider: 'p', model: 'm', message: 'x', status, retryAfterMs });

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('withRetry', () => {
  it('retries retryable errors with full-jitter exponential backoff until success', async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    const result = await withRetry(
      async (attempt) => {
        calls++;
        if (attempt < 3) throw providerError(500);
        return 'ok';
      },
      { sleep, random: () => 0.5, baseDelayMs: 100 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(waits).toEqual([50, 100]); // 0.5 * 100, 0.5 * 200
  });

  it('waits exactly Retry-After when the error carries it', async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    await withRetry(async () => {
      if (calls++ === 0) throw providerError(429, 2000);
      return 1;
    }, { sleep, random: () => 0.9 });
    expect(waits).toEqual([2000]);
  });

  it('gives up after maxAttempts and rethrows the last error', async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    const error = await withRetry(async () => {
      calls++;
      throw providerError(503);
    }, { sleep, maxAttempts: 3 }).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
    expect((error as ProviderError).status).toBe(503);
  });

  it('does not retry non-retryable errors or plain errors', async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    await expect(withRetry(async () => {
      calls++;
      throw providerError(400);
    }, { sleep })).rejects.toThrow(/p m: x/);
    await expect(withRetry(async () => {
      calls++;
      throw new TypeError('bug');
    }, { sleep })).rejects.toThrow(TypeError);
    expect(calls).toBe(2);
    expect(waits).toEqual([]);
  });

  it('does not wait for a Retry-After longer than maxDelayMs', async () => {
    const { waits, sleep } = recordingSleep();
    await expect(withRetry(async () => {
      throw providerError(429, 3_600_000);
    }, { sleep, maxDelayMs: 30_000 })).rejects.toBeInstanceOf(ProviderError);
    expect(waits).toEqual([]);
  });

  it('caps the jitter ceiling at maxDelayMs', () => {
    expect(retryDelayMs(20, new Error('x'), { random: () => 0.999, baseDelayMs: 500, maxDelayMs: 1000 })).toBeLessThan(1000);
    expect(retryDelayMs(1, new Error('x'), { random: () => 0, baseDelayMs: 500 })).toBe(0);
  });
});

describe('toProviderError', () => {
  it('reads status and Retry-After from SDK errors', () => {
    const openaiLike = Object.assign(new Error('Rate limit'), { status: 429, headers: new Headers({ 'retry-after': '3' }) });
    const converted = toProviderError(openaiLike, { provider: 'openai', model: 'm' });
    expect(converted).toMatchObject({ provider: 'openai', model: 'm', status: 429, isRetryable: true, retryAfterMs: 3000 });
    const cohereLike = Object.assign(new Error('boom'), { statusCode: 500, rawResponse: { headers: new Headers() }, body: { message: 'x' } });
    expect(toProviderError(cohereLike, { provider: 'cohere', model: 'c' })).toMatchObject({ status: 500, isRetryable: true, responseBody: '{"message":"x"}' });
    expect(toProviderError(Object.assign(new Error('bad'), { status: 400 }), { provider: 'p', model: 'm' }).isRetryable).toBe(false);
  });

  it('treats connection failures as retryable and unknown errors as not', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(toProviderError(refused, { provider: 'p', model: 'm' }).isRetryable).toBe(true);
    expect(toProviderError(new RangeError('oops'), { provider: 'p', model: 'm' }).isRetryable).toBe(false);
  });

  it('one mapping for chat models and embedders: a caller abort is final, a timeout is retried, our own errors pass through', () => {
    const aborted = new AbortController();
    aborted.abort();
    const abortError = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    expect(toProviderError(abortError, { provider: 'openai', model: 'm' })).toMatchObject({ isRetryable: false, message: 'openai m: request aborted by the caller' });
    expect(toProviderError(new Error('socket hang up'), { provider: 'p', model: 'm', signal: aborted.signal }).isRetryable).toBe(false);
    const timeout = Object.assign(new Error('Request timed out.'), { name: 'APIConnectionTimeoutError' });
    expect(toProviderError(timeout, { provider: 'anthropic', model: 'c', timeoutMs: 500 })).toMatchObject({ isRetryable: true, message: 'anthropic c: request timed out after 500 ms' });
    expect(toProviderError(new RangeError('oops'), { provider: 'p', model: 'm' }).message).toBe('p m: request failed: oops');
    const ours = new InputError('messages', 'must not be empty');
    expect(asProviderFailure(ours, { provider: 'p', model: 'm' })).toBe(ours);
    expect(asProviderFailure(new RangeError('oops'), { provider: 'p', model: 'm' })).toBeInstanceOf(ProviderError);
  });

  it('prefers retry-after-ms and parses HTTP dates', () => {
    expect(retryAfterFromHeaders(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterFromHeaders({ 'retry-after': '1' })).toBe(1000);
    expect(retryAfterFromHeaders(new Headers())).toBeUndefined();
  });
});
