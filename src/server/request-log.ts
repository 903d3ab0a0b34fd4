import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { GroundworkError } from '../errors.js';
import type { AppEnv } from './app-env.js';
import { toErrorResponse, type ErrorBody } from './error-response.js';
import { CLIENT_CLOSED_CODE, CLIENT_CLOSED_REQUEST_STATUS, clientClosed } from './request-guards.js';
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
  /**
   * A stream that ended early (the client left, the server shut down, an error midway): its 200
   * headers were already sent, and `status` is what it ended with (499 client gone, 503 shutdown).
   */
  interrupted?: true;
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
 * Records that a stream failed after its 200 headers went out, so the request is logged and
 * metered with the error's status and `interrupted: true`; returns the body of the stream's error event.
 */
export function streamFailed(c: Context<AppEnv>, error: unknown): ErrorBody {
  const { status, body } = toErrorResponse(error, c.get('requestId'));
  c.set('streamError', { status, code: body.error.code });
  return body;
}

/**
 * How a request ended when not by its response's status: for a stream, the error it ended with
 * (set by the route) or the shutdown that stopped it (the request signal's reason); for any
 * request, its client leaving first (499).
 */
function endedEarly(c: Context<AppEnv>, streaming: boolean): { status: number; code: string } | undefined {
  const streamError = c.get('streamError');
  if (streaming && streamError) return streamError;
  const signal = c.get('signal') as AbortSignal | undefined;
  if (streaming && signal?.aborted && signal.reason instanceof GroundworkError) {
    const { status, body } = toErrorResponse(signal.reason);
    return { status, code: body.error.code };
  }
  if (clientClosed(c)) return { status: CLIENT_CLOSED_REQUEST_STATUS, code: CLIENT_CLOSED_CODE };
  return undefined;
}

/**
 * Logs and meters every request once it is complete. A request whose client went away first is
 * logged as 499 (the client's doing, not ours). For streamed responses (SSE) the line is
 * written when the last byte has been sent, so durations cover the whole answer.
 */
export function requestLogMiddleware(metrics: ServerMetrics, sink: LogSink | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    let streaming = false;
    const finish = (): void => {
      const seconds = (performance.now() - started) / 1000;
      const route = routeLabel(c);
      const cut = endedEarly(c, streaming);
      const status = cut?.status ?? c.res.status;
      const errorCode = cut?.code ?? c.get('errorCode');
      const interrupted = streaming && cut !== undefined;
      metrics.observeRequest(c.req.method, route, status, seconds);
      if (!sink) return;
      const principal = c.get('principal');
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
        ...(interrupted ? { interrupted: true as const } : {}),
      });
    };
    const body = c.res.body;
    if (body && c.res.headers.get('content-type')?.startsWith('text/event-stream')) {
      streaming = true;
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
