/**
 * The root span of every HTTP request: `POST /v1/ask` (method and matched route), kind SERVER, with
 * the HTTP attributes, the request id and the response status; every stage span of the request is
 * under it. A streamed answer's span ends when its last byte has gone out (or the client left).
 */
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from '../../server/app-env.js';
import { CLIENT_CLOSED_CODE, CLIENT_CLOSED_REQUEST_STATUS } from '../../server/request-guards.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GROUNDWORK_TENANT,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from './span-attributes.js';
import { parseTraceparent } from './traceparent.js';
import { groundworkTracer, REQUEST_ID_KEY } from './with-span.js';

/** The matched route pattern, or undefined when no route matched (the span is then named by the method alone, as the HTTP conventions say). */
function matchedRoute(c: Context<AppEnv>): string | undefined {
  const path = routePath(c, -1);
  return !path || path === '*' || path === '/*' ? undefined : path;
}

/** Ends the request's span with its final status: 5xx is an error of ours (4xx is the client's, per the HTTP conventions for servers). */
function endRequestSpan(span: Span, c: Context<AppEnv>, status: number, errorCode: string | undefined): void {
  if (span.isRecording()) {
    const route = matchedRoute(c);
    if (route) span.updateName(`${c.req.method} ${route}`).setAttribute(ATTR_HTTP_ROUTE, route);
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    const principal = c.get('principal');
    if (principal?.kind === 'key') span.setAttribute(ATTR_GROUNDWORK_TENANT, principal.tenant);
    if (errorCode) span.setAttribute('groundwork.error_code', errorCode);
    if (status >= 500) {
      span.setAttribute(ATTR_ERROR_TYPE, errorCode ?? String(status));
      if (c.error) span.recordException(c.error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: c.error?.message ?? `HTTP ${status}` });
    }
  }
  span.end();
}

/**
 * Hono middleware: one SERVER span per request, registered after the request-id middleware (the
 * span carries `groundwork.request_id`, and so does every span started under it). Honours an
 * incoming W3C `traceparent`. With tracing off the span is the API's no-op one.
 */
export function traceMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const remote = parseTraceparent(c.req.header('traceparent'));
    const base = remote ? trace.setSpanContext(context.active(), remote) : context.active();
    const parent = base.setValue(REQUEST_ID_KEY, c.get('requestId'));
    const span = groundworkTracer().startSpan(c.req.method, { kind: SpanKind.SERVER }, parent);
    if (span.isRecording()) {
      const url = new URL(c.req.url);
      span.setAttributes({ [ATTR_HTTP_REQUEST_METHOD]: c.req.method, [ATTR_URL_PATH]: url.pathname, [ATTR_URL_SCHEME]: url.protocol.replace(/:$/, '') });
      const agent = c.req.header('user-agent');
      if (agent) span.setAttribute(ATTR_USER_AGENT_ORIGINAL, agent);
    }
    try {
      await context.with(trace.setSpan(parent, span), next);
    } catch (error) {
      // Hono hands errors to onError; one that escapes it still ends the span.
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
      span.end();
      throw error;
    }
    // Not recording (tracing off, or this trace not sampled): nothing to wait for.
    if (!span.isRecording()) return span.end();
    const body = c.res.body;
    if (!body || !c.res.headers.get('content-type')?.startsWith('text/event-stream')) {
      endRequestSpan(span, c, c.res.status, c.get('errorCode'));
      return;
    }
    // A stream: the span lasts until its last byte, and takes the error a failed stream reported.
    let ended = false;
    const end = (status: number, code: string | undefined): void => {
      if (ended) return;
      ended = true;
      endRequestSpan(span, c, status, code);
    };
    const tracked = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        flush: () => {
          const failed = c.get('streamError');
          end(failed?.status ?? c.res.status, failed?.code);
        },
      }),
    );
    c.res = new Response(tracked, { status: c.res.status, headers: c.res.headers });
    c.req.raw.signal.addEventListener('abort', () => end(CLIENT_CLOSED_REQUEST_STATUS, CLIENT_CLOSED_CODE), { once: true });
  };
}
