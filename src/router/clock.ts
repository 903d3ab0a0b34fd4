import { GroundworkError } from '../errors.js';

/** Time source and sleeper; injected so tests control backoff, breaker windows and budget days. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after ms; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: Date.now and setTimeout. */
export function createSystemClock(): Clock {
  return {
    now: () => Date.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(abortReason(signal));
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        const onAbort = () => {
          clearTimeout(timer);
          reject(abortReason(signal!));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}

/** The abort reason as an error (AbortSignal reasons may be any value). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new GroundworkError('TIMEOUT', `aborted: ${String(reason)}`);
}
