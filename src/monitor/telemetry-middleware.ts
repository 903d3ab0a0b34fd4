import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../server/app-env.js';
import { CLIENT_CLOSED_REQUEST_STATUS, clientClosed } from '../server/request-guards.js';
import { withQueryEmbeddingCapture, type QueryEmbedding } from './query-embedding-capture.js';
import type { TelemetryDetails } from './telemetry-details.js';
import type { TelemetryWriter } from './telemetry-writer.js';
import type { TelemetryRoute } from './types.js';

declare module '../server/app-env.js' {
  interface AppVariables {
    /** Set by a recorded route: what it learned about the request (telemetry-details.ts). */
    telemetry?: TelemetryDetails;
  }
}

/** Paths that record telemetry, and their route names. */
export const TELEMETRY_PATHS: Record<string, TelemetryRoute> = {
  '/v1/ask': 'ask',
  '/v1/retrieve': 'retrieve',
  '/v1/chat/completions': 'chat-completions',
  '/mcp': 'mcp',
};

/**
 * Records one telemetry row per request to the recorded paths (POST only: an MCP GET is its
 * event stream, not a call), once it is complete: for streams when the last byte is sent or the
 * client leaves. Mount after auth so the row carries the caller's tenant. Never waits on the
 * writer: record() only buffers. With `captureQueryEmbeddings` (the default; off where no embedder
 * is installed) the handler runs inside a query-embedding capture, so the row carries the query
 * embedding the request computed (an embedder wrapped by observeQueryEmbeddings).
 */
export function telemetryMiddleware(writer: TelemetryWriter, defaultTenant: string, options: { captureQueryEmbeddings?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const route = c.req.method === 'POST' ? TELEMETRY_PATHS[c.req.path] : undefined;
    if (!route) return next();
    const at = new Date();
    const started = performance.now();
    // The capture runs the handler in an AsyncLocalStorage scope, which on Node 20 installs promise
    // hooks for the whole process: a cost on every await. Without an embedder there is nothing to
    // capture, so no scope.
    let captured: () => QueryEmbedding | undefined = () => undefined;
    if (options.captureQueryEmbeddings === false) await next();
    else ({ captured } = await withQueryEmbeddingCapture(next));
    const streaming = c.res.headers.get('content-type')?.startsWith('text/event-stream') === true && c.res.body !== null;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      record(writer, c, { route: streaming && route === 'ask' ? 'ask-stream' : route, at, totalMs: performance.now() - started, streaming, defaultTenant, queryEmbedding: captured() });
    };
    if (!streaming) return finish();
    const tracked = c.res.body!.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ flush: finish }));
    c.res = new Response(tracked, { status: c.res.status, headers: c.res.headers });
    c.req.raw.signal.addEventListener('abort', finish, { once: true });
  };
}

function record(writer: TelemetryWriter, c: Context<AppEnv>, request: { route: TelemetryRoute; at: Date; totalMs: number; streaming: boolean; defaultTenant: string; queryEmbedding?: QueryEmbedding }): void {
  const details = c.get('telemetry') ?? {};
  const principal = c.get('principal');
  const streamError = request.streaming ? c.get('streamError') : undefined;
  const status = streamError?.status ?? (clientClosed(c) ? CLIENT_CLOSED_REQUEST_STATUS : c.res.status);
  // `arm` is set by the registry's A/B layer where it is installed.
  const arm = (c.var as Record<string, unknown>).arm;
  writer.record({
    ...details,
    route: request.route,
    tenant: details.tenant ?? (principal?.kind === 'key' ? principal.tenant : request.defaultTenant),
    at: request.at,
    requestId: c.get('requestId'),
    arm: typeof arm === 'string' ? arm : undefined,
    status,
    totalMs: request.totalMs,
    queryEmbedding: request.queryEmbedding,
  });
}
