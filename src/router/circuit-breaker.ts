import { GroundworkError } from '../errors.js';
import type { Clock } from './clock.js';

/** Breaker settings: open after `failureThreshold` failures within `windowMs`; probe after `halfOpenAfterMs`. */
export interface CircuitBreakerOptions {
  failureThreshold: number;
  windowMs: number;
  halfOpenAfterMs: number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

/** A per-provider circuit breaker with an injectable clock. */
export interface CircuitBreaker {
  readonly state: CircuitState;
  /** Runs fn when the circuit allows it; throws GroundworkError('UNAVAILABLE') when open. */
  execute<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * Counts failures (those `isFailure` accepts) in a sliding window. Closed -> open at the
 * threshold; open -> half-open after halfOpenAfterMs, letting exactly one probe through;
 * the probe's success closes the circuit, its failure opens it again.
 * (cockatiel's breaker reads Date.now directly, so this one exists for clock injection.)
 */
export function createCircuitBreaker(
  name: string,
  options: CircuitBreakerOptions & { clock: Clock; isFailure: (error: unknown) => boolean; onStateChange?: (state: CircuitState) => void },
): CircuitBreaker {
  let state: CircuitState = 'closed';
  let failures: number[] = [];
  let openedAt = 0;
  let probing = false;
  const set = (next: CircuitState) => {
    if (next === state) return;
    state = next;
    options.onStateChange?.(next);
  };
  const open = () => {
    openedAt = options.clock.now();
    failures = [];
    set('open');
  };
  return {
    get state() {
      if (state === 'open' && options.clock.now() - openedAt >= options.halfOpenAfterMs) return 'half-open';
      return state;
    },
    async execute(fn) {
      const now = options.clock.now();
      if (state === 'open') {
        if (now - openedAt < options.halfOpenAfterMs) throw unavailable(name, options.halfOpenAfterMs - (now - openedAt));
        set('half-open');
      }
      const isProbe = state === 'half-open';
      if (isProbe) {
        if (probing) throw unavailable(name, 0);
        probing = true;
      }
      try {
        const result = await fn();
        if (isProbe) {
          failures = [];
          set('closed');
        }
        return result;
      } catch (error) {
        if (options.isFailure(error)) {
          if (isProbe) open();
          else if (state === 'closed') {
            const at = options.clock.now();
            failures = failures.filter((t) => at - t < options.windowMs);
            failures.push(at);
            if (failures.length >= options.failureThreshold) open();
          }
        } else if (isProbe) {
          // A non-failure error (bad request) still shows the provider answers.
          set('closed');
        }
        throw error;
      } finally {
        if (isProbe) probing = false;
      }
    },
  };
}

function unavailable(name: string, retryInMs: number): GroundworkError {
  return new GroundworkError('UNAVAILABLE', `circuit open for ${name}: too many recent failures; next probe in ${Math.ceil(retryInMs)} ms`, {
    details: { provider: name, circuit: 'open', retryInMs },
  });
}
