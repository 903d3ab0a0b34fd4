import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { GroundworkError } from '../errors.js';
import type { AppEnv } from './app-env.js';
import type { RateLimiter } from './rate-limiter.js';
import type { ServerMetrics } from './server-metrics.js';

/**
 * nginx's "client closed request": the status a request is logged and metered with when the
 * client went away before its response was complete. Never sent (nobody is left to read it).
 */
export const CLIENT_CLOSED_REQUEST_STATUS = 499;
/** Error code in the request log for a request its client abandoned. */
export const CLIENT_CLOSED_CODE = 'CLIENT_CLOSED';

/**
 * Sets `signal`, aborted when the request runs past `timeoutMs`, the client disconnects, or the
 * server stops waiting for in-flight requests at shutdown (`shutdownSignal`, whose reason is the
 * error the request ends with). Handlers pass it down (the model call) and race their work
 * against it (withRequestSignal).
 */
export function timeoutMiddleware(timeoutMs: number, shutdownSignal?: AbortSignal): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const signals = [c.req.raw.signal, AbortSignal.timeout(timeoutMs)];
    if (shutdownSignal) signals.push(shutdownSignal);
    c.set('signal', AbortSignal.any(signals));
    return next();
  };
}

/** True when the client closed the connection before the response was complete. */
export function clientClosed(c: Context<AppEnv>): boolean {
  return c.req.raw.signal.aborted;
}

/** Resolves with the work, or rejects with TIMEOUT (504) when the request signal fires first. */
export async function withRequestSignal<T>(signal: AbortSignal, work: Promise<T>, timeoutMs: number): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {}); // abandoned: its late failure must not become an unhandled rejection
    throw abortError(signal, timeoutMs);
  }
  let onAbort: () => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal, timeoutMs));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** The error for an aborted request signal: a timeout, a shutdown (its own error), or the client going away. */
export function abortError(signal: AbortSignal, timeoutMs: number): GroundworkError {
  const reason = signal.reason as { name?: string } | undefined;
  if (reason instanceof GroundworkError) return reason;
  if (reason?.name === 'TimeoutError') return new GroundworkError('TIMEOUT', `request took longer than the server's limit of ${timeoutMs} ms`, { details: { timeoutMs } });
  return new GroundworkError('UNAVAILABLE', 'request aborted: the client closed the connection');
}

/**
 * Rate limit per API key (429 with Retry-After in whole seconds). Without auth, per client
 * address; requests with no address (in-process `app.request()`) share one bucket.
 */
export function rateLimitMiddleware(limiter: RateLimiter, metrics: ServerMetrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get('principal');
    const key = principal.kind === 'key' ? `key:${principal.keyId}` : `addr:${clientAddress(c)}`;
    const decision = limiter.take(key);
    if (!decision.allowed) {
      metrics.observeRateLimited();
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      c.header('Retry-After', String(seconds));
      throw new GroundworkError('RATE_LIMITED', `rate limit exceeded for this ${principal.kind === 'key' ? 'API key' : 'client'}; retry in ${seconds} s`, {
        details: { retryAfterSeconds: seconds },
      });
    }
    return next();
  };
}

function clientAddress(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // not served by @hono/node-server (in-process requests)
  }
}
