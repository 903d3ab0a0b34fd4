/**
 * Retries an async call with exponential backoff and full jitter, honoring a provider's
 * Retry-After (`retryAfterMs` on the error). Reusable by every provider adapter.
 */
import { GroundworkError, ProviderError } from '../errors.js';

/** Attempts in total, first call included (AWS SDK standard retry mode uses 3; one more for rate limits). */
export const DEFAULT_MAX_ATTEMPTS = 4;
/** First backoff ceiling; doubles per attempt ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015). */
export const DEFAULT_BASE_DELAY_MS = 500;
/** Ceiling of one backoff wait, and the longest Retry-After we are willing to wait. */
export const DEFAULT_MAX_DELAY_MS = 30_000;

export interface RetryOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Ceiling of one backoff wait. */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the error goes up (default maxDelayMs). */
  maxRetryAfterMs?: number;
  /** Decides whether an error is worth another attempt. Default: ProviderError.isRetryable. */
  shouldRetry?: (error: unknown) => boolean;
  /** Injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform [0, 1) source for the jitter; injectable for tests. */
  random?: () => number;
  onRetry?: (info: RetryEvent) => void;
  signal?: AbortSignal;
}

/** What a retry loop reports per retry (for logs and tests). */
export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: unknown;
  /** Whether the wait came from the provider's Retry-After or from backoff. */
  source: 'retry-after' | 'backoff';
}

/**
 * The one retry predicate, for providers and the router alike: provider errors that say they are
 * retryable, and our own timeouts.
 */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof ProviderError) return error.isRetryable;
  return error instanceof GroundworkError && error.code === 'TIMEOUT';
}

/** The provider's Retry-After on an error, in ms, when it sent one. */
function retryAfterOf(error: unknown): number | undefined {
  const retryAfter = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined;
}

/** setTimeout as a promise, rejecting when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The wait before retry number `attempt` (1-based): Retry-After when given, else full jitter. */
export function retryDelayMs(attempt: number, error: unknown, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'> = {}): number {
  const retryAfter = retryAfterOf(error);
  if (retryAfter !== undefined) return retryAfter;
  const base = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const ceiling = Math.min(options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, base * 2 ** (attempt - 1));
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

/**
 * Calls `operation` until it succeeds, a non-retryable error occurs, or `maxAttempts` is reached.
 * A Retry-After longer than `maxRetryAfterMs` (default `maxDelayMs`) is not waited for: the error
 * is thrown at once.
 * @example
 * const result = await withRetry(() => client.embed(texts), { maxAttempts: 3 });
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  const shouldRetry = options.shouldRetry ?? isRetryableError;
  const wait = options.sleep ?? sleep;
  const maxRetryAfter = options.maxRetryAfterMs ?? options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= maxAttempts || !shouldRetry(error) || options.signal?.aborted) throw error;
      const delayMs = retryDelayMs(attempt, error, options);
      const source = retryAfterOf(error) === undefined ? 'backoff' : 'retry-after';
      if (source === 'retry-after' && delayMs > maxRetryAfter) throw error;
      options.onRetry?.({ attempt, delayMs, error, source });
      await wait(delayMs, options.signal);
    }
  }
}
