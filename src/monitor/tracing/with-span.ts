/**
 * The tracing API the stages use: spans through the OpenTelemetry API only. With no tracer provider
 * registered (OTEL_EXPORTER_OTLP_ENDPOINT unset, see startTracing) every span is the API's no-op
 * span and no context is kept, so an instrumented stage costs a few object allocations.
 */
import { context, createContextKey, INVALID_SPAN_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from './span-attributes.js';

export { SpanKind, type Attributes, type Span };

/** The instrumentation scope of every groundwork span. */
export const TRACER_NAME = 'groundwork';

/** Where a request's id sits in the OpenTelemetry context (copied onto each span by the request-id span processor). */
export const REQUEST_ID_KEY = createContextKey('groundwork.request_id');

export interface WithSpanOptions {
  /** Default INTERNAL; CLIENT for calls out (model providers), SERVER for requests in. */
  kind?: SpanKind;
  /** Puts this request id in the context: this span and every span under it carry it. */
  requestId?: string;
}

/** The context a new span starts under: the active one, with the request id when one is given. */
function parentContext(requestId: string | undefined): Context {
  const active = context.active();
  return requestId === undefined ? active : active.setValue(REQUEST_ID_KEY, requestId);
}

/** Groundwork's tracer: looked up per span, so a provider registered (or removed) later is the one used. */
export function groundworkTracer() {
  return trace.getTracer(TRACER_NAME);
}

/**
 * Runs `fn` inside a span named `name`, a child of the active span: ended when `fn` returns, or
 * when the promise it returns settles; an error (thrown or rejected) marks the span as failed
 * (status ERROR, `error.type`, the exception as an event) and is rethrown unchanged.
 * @example
 * const chunks = await withSpan('rerank', { 'groundwork.candidates': ranked.length }, () => reranker.rerank(query, texts));
 */
export function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => T, options: WithSpanOptions = {}): T {
  const parent = parentContext(options.requestId);
  const span = groundworkTracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes }, parent);
  let result: T;
  try {
    result = context.with(trace.setSpan(parent, span), fn, undefined, span);
  } catch (error) {
    endWithError(span, error);
    throw error;
  }
  if (isPromiseLike(result)) {
    return result.then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        endWithError(span, error);
        throw error;
      },
    ) as T;
  }
  span.end();
  return result;
}

/**
 * An async iterable inside a span that lasts from the first item asked for to the last (or to the
 * error, or to the consumer stopping early): every step of `source` runs with the span active, so
 * spans started while producing items are its children.
 */
export async function* withSpanStream<T>(name: string, attributes: Attributes, source: (span: Span) => AsyncIterable<T>, options: WithSpanOptions = {}): AsyncGenerator<T> {
  const parent = parentContext(options.requestId);
  const span = groundworkTracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes }, parent);
  const active = trace.setSpan(parent, span);
  let failed = false;
  let iterator: AsyncIterator<T> | undefined;
  try {
    iterator = context.with(active, () => source(span)[Symbol.asyncIterator]());
    const it = iterator;
    for (;;) {
      const step = await context.with(active, () => it.next());
      if (step.done) break;
      yield step.value;
    }
    iterator = undefined;
  } catch (error) {
    failed = true;
    endWithError(span, error);
    throw error;
  } finally {
    // A consumer that stopped early (break, cancel) ends the source too, and the span with it.
    if (iterator?.return && !failed) await context.with(active, () => iterator!.return!());
    if (!failed) span.end();
  }
}

/** The request id of the active context, or undefined when there is none (or tracing is off: no context is kept then). */
export function currentRequestId(): string | undefined {
  const value = context.active().getValue(REQUEST_ID_KEY);
  return typeof value === 'string' ? value : undefined;
}

/** The span active now (a no-op span when there is none): for attributes known only later. */
export function activeSpan(): Span {
  return trace.getActiveSpan() ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
}

/** Marks a span failed with an error and ends it. */
export function endWithError(span: Span, error: unknown): void {
  if (span.isRecording()) {
    const code = (error as { code?: unknown } | undefined)?.code;
    span.setAttribute(ATTR_ERROR_TYPE, typeof code === 'string' ? code : ((error as Error | undefined)?.name ?? 'Error'));
    if (error instanceof Error) span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error | undefined)?.message ?? String(error) });
  }
  span.end();
}

function isPromiseLike<T>(value: T): value is T & PromiseLike<Awaited<T>> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
