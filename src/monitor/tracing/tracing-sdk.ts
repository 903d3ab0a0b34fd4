/**
 * The OpenTelemetry SDK half of tracing: a tracer provider that batches spans to an OTLP/HTTP
 * receiver, the AsyncLocalStorage context manager, and the processor that puts the request id on
 * every span. Imported only by startTracing when tracing is on, so runs without it never load the SDK.
 */
import { context, diag, DiagLogLevel, trace, type DiagLogger } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { readFileSync } from 'node:fs';
import { createAsyncLocalStorageContextManager } from './async-local-storage-context-manager.js';
import { ATTR_GROUNDWORK_REQUEST_ID, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from './span-attributes.js';
import type { TracingSettings } from './tracing-settings.js';
import { REQUEST_ID_KEY } from './with-span.js';

/** Running tracing: flush before a process exits, shut down to stop. */
export interface Tracing {
  /** Where spans go. */
  readonly tracesUrl: string;
  /** Sends every span ended so far. */
  forceFlush(): Promise<void>;
  /** Sends what is left (a failure is warned about, not thrown), then unregisters the provider and context manager (the API is a no-op again). Safe to call twice. */
  shutdown(): Promise<void>;
}

export interface TracingSdkOptions {
  /** Warnings of the SDK and exporter (a failed export, a refused registration): default one JSON line on stderr. */
  warn?: (message: string) => void;
  /** The exporter (default: OTLP/HTTP JSON to settings.tracesUrl); tests may hand in their own. */
  exporter?: SpanExporter;
  /** Batch delay in ms (the SDK's default, 5 s, unless OTEL_BSP_SCHEDULE_DELAY says otherwise). */
  scheduledDelayMillis?: number;
}

/** Copies the request id from the context a span starts in onto the span: every span of a request carries it. */
const requestIdProcessor: SpanProcessor = {
  onStart(span, parentContext) {
    const id = parentContext.getValue(REQUEST_ID_KEY);
    if (typeof id === 'string') span.setAttribute(ATTR_GROUNDWORK_REQUEST_ID, id);
  },
  onEnd() {},
  forceFlush: async () => {},
  shutdown: async () => {},
};

/** The package's version (`<root>/package.json`: three folders up from src/monitor/tracing and dist/monitor/tracing). */
function packageVersion(): string | undefined {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

const stderrWarn = (message: string): void => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'warn', msg: `tracing: ${message}` })}\n`);
};

/** The message of an error the SDK hands over as it is, or as a JSON string of its fields (a failed export's). */
function errorText(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value !== 'string') return JSON.stringify(value);
  if (!value.startsWith('{')) return value;
  try {
    const parsed = JSON.parse(value) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : value;
  } catch {
    return value;
  }
}

/** A diag logger that passes the SDK's errors and warnings (failed exports among them) on; the rest is dropped. */
function diagLogger(warn: (message: string) => void): DiagLogger {
  const say = (message: string, ...args: unknown[]): void => warn([message, ...args].map(errorText).join(' '));
  const quiet = (): void => {};
  return { error: say, warn: say, info: quiet, debug: quiet, verbose: quiet };
}

/**
 * Registers a tracer provider exporting to `settings.tracesUrl` and the context manager, globally
 * (the OpenTelemetry API's design: instrumented code finds them through the API). Throws when
 * another provider is registered already (an application's own OpenTelemetry SDK): then that one
 * receives groundwork's spans, and the endpoint variables are for it to read.
 */
export function createTracingSdk(settings: Extract<TracingSettings, { enabled: true }>, options: TracingSdkOptions = {}): Tracing {
  const warn = options.warn ?? stderrWarn;
  const version = packageVersion();
  const resource = defaultResource().merge(
    resourceFromAttributes({ ...settings.resourceAttributes, [ATTR_SERVICE_NAME]: settings.serviceName, ...(version ? { [ATTR_SERVICE_VERSION]: version } : {}) }),
  );
  const exporter = options.exporter ?? new OTLPTraceExporter({ url: settings.tracesUrl });
  const batch = new BatchSpanProcessor(exporter, options.scheduledDelayMillis === undefined ? undefined : { scheduledDelayMillis: options.scheduledDelayMillis });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [requestIdProcessor, batch] });

  diag.setLogger(diagLogger(warn), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  const contextManager = createAsyncLocalStorageContextManager();
  if (!context.setGlobalContextManager(contextManager)) {
    diag.disable();
    throw new Error('tracing: an OpenTelemetry context manager is registered already in this process; groundwork did not start its own tracing');
  }
  if (!trace.setGlobalTracerProvider(provider)) {
    context.disable();
    diag.disable();
    throw new Error('tracing: an OpenTelemetry tracer provider is registered already in this process; it receives groundwork\'s spans, and groundwork did not start its own');
  }

  let stopped: Promise<void> | undefined;
  return {
    tracesUrl: settings.tracesUrl,
    forceFlush: () => provider.forceFlush(),
    shutdown() {
      stopped ??= (async () => {
        try {
          await provider.shutdown();
        } catch (error) {
          // A receiver that is down costs the spans, never the command: said, not thrown.
          warn(`spans not delivered to ${settings.tracesUrl}: ${errorText(error)}`);
        } finally {
          trace.disable();
          context.disable();
          diag.disable();
        }
      })();
      return stopped;
    },
  };
}
