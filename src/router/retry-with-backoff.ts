import { isRetryableError, retryDelayMs as delayBeforeRetry, withRetry, type RetryEvent } from '../models/retry.js';
import type { Clock } from './clock.js';

export { isRetryableError, type RetryEvent };

/** Retry settings for one provider (router.providers), all required: the router's config fills them. */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error goes up (to fallback). */
  maxRetryAfterMs: number;
}

/**
 * Delay before retry number `attempt` (1-based), and where it came from: the provider's
 * Retry-After when it sent one, else full-jitter backoff (models/retry.ts has the one rule).
 */
export function retryDelayMs(attempt: number, error: unknown, options: RetryOptions, random: () => number): { delayMs: number; source: RetryEvent['source'] } {
  const retryAfter = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return { delayMs: delayBeforeRetry(attempt, error, { ...options, random }), source: typeof retryAfter === 'number' ? 'retry-after' : 'backoff' };
}

/**
 * The router's retries: the one retry loop (models/retry.ts withRetry, the same predicate and
 * backoff the provider adapters use), sleeping on the router's injected clock.
 */
export function retryWithBackoff<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions & { clock: Clock; random?: () => number; signal?: AbortSignal; onRetry?: (event: RetryEvent) => void },
): Promise<T> {
  return withRetry(fn, { ...options, sleep: (ms, signal) => options.clock.sleep(ms, signal) });
}
