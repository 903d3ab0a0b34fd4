import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from './app-env.js';
import type { ServerMetrics } from './server-metrics.js';

/** One structured log line per request. */
export interface RequestLogLine {
  time: string;
  level: 'info' | 'warn' | 'error';
  msg: 'request';
  requestId: string;
  method: string;
  path: string;
  route: string;
  status: number;
  durationMs: number;
  tenant?: string;
  keyId?: number;
  errorCode?: string;
}

/** Where log lines go (default: stderr, one JSON object per line). */
export type LogSink = (line: RequestLogLine) => void;

export const stderrLogSink: LogSink = (line) => {
  process.stderr.write(`${JSON.stringify(line)}\n`);
};

/** Route label: the matched pattern, or `unmatched` (keeps metric label values bounded). */
function routeLabel(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const path = routePath(c, -1);
  return !path || path === '*' || path === '/*' ? 'unmatched' : path;
}

/**
 * Logs and meters every request once it is complete. For streamed responses (SSE) the line is
 * written when the last byte has been sent, so durations cover the whole answer.
 */
export function requestLogMiddleware(metrics: ServerMetrics, sink: LogSink | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const finish = (): void => {
      const seconds = (performance.now() - started) / 1000;
      const route = routeLabel(c);
      const status = c.res.status;
      metrics.observeRequest(c.req.method, route, status, seconds);
      if (!sink) return;
      const principal = c.get('principal');
      const errorCode = c.get('errorCode');
      sink({
        time: new Date().toISOString(),
        level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info',
        msg: 'request',
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        route,
        status,
        durationMs: Math.round(seconds * 10_000) / 10,
        ...(principal?.kind === 'key' ? { tenant: principal.tenant, keyId: principal.keyId } : {}),
        ...(errorCode ? { errorCode } : {}),
      });
    };
    const body = c.res.body;
    if (body && c.res.headers.get('content-type')?.startsWith('text/event-stream')) {
      let done = false;
      const once = (): void => {
        if (!done) {
          done = true;
          finish();
        }
      };
      const tracked = body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ flush: once }));
      c.res = new Response(tracked, { status: c.res.status, headers: c.res.headers });
      // A client that disconnects mid-stream cancels the body: log it then.
      c.req.raw.signal.addEventListener('abort', once, { once: true });
      return;
    }
    finish();
  };
}
