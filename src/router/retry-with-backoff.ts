import { GroundworkError, ProviderError } from '../errors.js';
import type { Clock } from './clock.js';

/** Retry settings for one provider. */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error goes up (to fallback). */
  maxRetryAfterMs: number;
}

/** What a retry loop reports per retry (for logs and tests). */
export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: unknown;
  source: 'retry-after' | 'backoff';
}

/** True for errors worth another attempt: ProviderError.isRetryable and timeouts. */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof ProviderError) return error.isRetryable;
  if (error instanceof GroundworkError) return error.code === 'TIMEOUT';
  return false;
}

/**
 * Delay before retry number `attempt` (1-based): the provider's Retry-After when it sent one,
 * else "full jitter" exponential backoff, random(0, min(max, base * 2^(attempt-1))), from
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/.
 */
export function retryDelayMs(attempt: number, error: unknown, options: RetryOptions, random: () => number): { delayMs: number; source: RetryEvent['source'] } {
  if (error instanceof ProviderError && error.retryAfterMs !== undefined) return { delayMs: error.retryAfterMs, source: 'retry-after' };
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return { delayMs: Math.floor(random() * ceiling), source: 'backoff' };
}

/**
 * Runs fn until it succeeds, fails with a non-retryable error, or uses maxAttempts; sleeps on
 * the injected clock between attempts.
 */
export async function retryWithBackoff<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions & { clock: Clock; random?: () => number; signal?: AbortSignal; onRetry?: (event: RetryEvent) => void },
): Promise<T> {
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.maxAttempts || !isRetryableError(error) || options.signal?.aborted) throw error;
      const { delayMs, source } = retryDelayMs(attempt, error, options, random);
      if (delayMs > options.maxRetryAfterMs) throw error;
      options.onRetry?.({ attempt, delayMs, error, source });
      await options.clock.sleep(delayMs, options.signal);
    }
  }
}
