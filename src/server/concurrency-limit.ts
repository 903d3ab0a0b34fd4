import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.js';
import { withRequestSignal } from './request-guards.js';

/** A counting semaphore whose waiters leave when their request is aborted. */
export interface Semaphore {
  acquire(signal: AbortSignal, timeoutMs: number): Promise<() => void>;
  readonly active: number;
  readonly waiting: number;
}

/** Creates a FIFO semaphore with `limit` slots (0 = no limit). */
export function createSemaphore(limit: number): Semaphore {
  let active = 0;
  const queue: Array<() => void> = [];
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else active -= 1;
  };
  return {
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    async acquire(signal, timeoutMs) {
      if (limit <= 0) return () => {};
      if (active < limit) {
        active += 1;
        return once(release);
      }
      let grant: () => void = () => {};
      const granted = new Promise<void>((resolve) => (grant = resolve));
      queue.push(grant);
      try {
        await withRequestSignal(signal, granted, timeoutMs);
      } catch (error) {
        const at = queue.indexOf(grant);
        if (at >= 0) queue.splice(at, 1);
        else release(); // granted in the same tick as the abort: hand the slot on
        throw error;
      }
      return once(release);
    },
  };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      fn();
    }
  };
}

/**
 * At most `limit` /v1 requests run at once in this process; the rest wait in line (until their
 * per-request timeout: 504). This keeps a burst waiting here, in order, instead of inside the
 * database pool, whose connection timeout would turn it into 500s. A streamed response holds its
 * slot until its last byte.
 */
export function concurrencyLimitMiddleware(semaphore: Semaphore, timeoutMs: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const release = await semaphore.acquire(c.get('signal'), timeoutMs);
    try {
      await next();
    } catch (error) {
      release();
      throw error;
    }
    const body = c.res.body;
    if (body && c.res.headers.get('content-type')?.startsWith('text/event-stream')) {
      c.res = new Response(body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ flush: release })), { status: c.res.status, headers: c.res.headers });
      c.get('signal').addEventListener('abort', release, { once: true });
      return;
    }
    release();
  };
}
