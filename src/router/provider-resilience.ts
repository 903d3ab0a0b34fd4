import { bulkhead, BulkheadRejectedError } from 'cockatiel';
import { GroundworkError } from '../errors.js';
import { createCircuitBreaker, type CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js';
import type { Clock } from './clock.js';
import { isRetryableError, retryWithBackoff, type RetryEvent, type RetryOptions } from './retry-with-backoff.js';

/** Resilience settings for one provider. */
export interface ResilienceOptions {
  /** Per attempt, wall time. */
  timeoutMs: number;
  retry: RetryOptions;
  breaker: CircuitBreakerOptions;
  /** Calls in flight at once; more wait in a queue of `maxQueue`, beyond that they are refused. */
  maxConcurrency: number;
  maxQueue: number;
}

/** Observations from the resilience layer (logs, metrics, tests). */
export interface ResilienceEvents {
  onRetry?: (provider: string, event: RetryEvent) => void;
  onCircuit?: (provider: string, state: CircuitState) => void;
}

/** Wraps provider calls: retry -> circuit breaker -> concurrency limit -> per-attempt timeout. */
export interface ProviderResilience {
  readonly provider: string;
  readonly breaker: CircuitBreaker;
  execute<T>(fn: (signal: AbortSignal, attempt: number) => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/**
 * Builds the resilience wrapper for one provider. The concurrency limit is cockatiel's bulkhead;
 * retry and breaker are ours because they must run on the injected clock.
 */
export function createProviderResilience(
  provider: string,
  options: ResilienceOptions,
  deps: { clock: Clock; random?: () => number; events?: ResilienceEvents },
): ProviderResilience {
  const limiter = bulkhead(options.maxConcurrency, options.maxQueue);
  const breaker = createCircuitBreaker(provider, {
    ...options.breaker,
    clock: deps.clock,
    isFailure: isRetryableError,
    onStateChange: (state) => deps.events?.onCircuit?.(provider, state),
  });
  const limited = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await limiter.execute(fn);
    } catch (error) {
      if (error instanceof BulkheadRejectedError) {
        throw new GroundworkError('RATE_LIMITED', `${provider}: concurrency limit ${options.maxConcurrency} with queue ${options.maxQueue} is full`, {
          details: { provider, maxConcurrency: options.maxConcurrency, maxQueue: options.maxQueue },
        });
      }
      throw error;
    }
  };
  return {
    provider,
    breaker,
    execute(fn, signal) {
      return retryWithBackoff(
        (attempt) => breaker.execute(() => limited(() => withTimeout((s) => fn(s, attempt), options.timeoutMs, provider, signal))),
        { ...options.retry, clock: deps.clock, random: deps.random, signal, onRetry: (event) => deps.events?.onRetry?.(provider, event) },
      );
    },
  };
}

/** Runs fn with an AbortSignal that fires after timeoutMs (wall time) or when the outer signal aborts. */
export async function withTimeout<T>(fn: (signal: AbortSignal) => Promise<T>, timeoutMs: number, label: string, outer?: AbortSignal): Promise<T> {
  const controller = new AbortController();
  const timeoutError = new GroundworkError('TIMEOUT', `${label}: no answer within ${timeoutMs} ms`, { details: { provider: label, timeoutMs } });
  const onOuterAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(timeoutError);
      reject(timeoutError);
    }, timeoutMs);
  });
  try {
    return await Promise.race([fn(controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}
