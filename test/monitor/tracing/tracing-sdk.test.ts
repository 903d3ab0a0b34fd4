import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createTracingSdk } from '../../../src/monitor/tracing/tracing-sdk.js';
import { tracingSettingsFromEnv } from '../../../src/monitor/tracing/tracing-settings.js';
import { groundworkTracer, withSpan } from '../../../src/monitor/tracing/with-span.js';

/** ExportResultCode.FAILED of @opentelemetry/core (a dependency of the SDK, not of groundwork). */
const EXPORT_FAILED = 1;

const settings = (() => {
  const parsed = tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test' });
  if (!parsed.enabled) throw new Error('expected tracing settings');
  return parsed;
})();

describe('createTracingSdk', () => {
  it('a receiver that refuses every batch: shutdown warns that the spans were not delivered, never throws, and the API is a no-op again', async () => {
    const warnings: string[] = [];
    const exported: ReadableSpan[][] = [];
    const refusing: SpanExporter = {
      export(spans, done) {
        exported.push(spans);
        done({ code: EXPORT_FAILED, error: new Error('connect ECONNREFUSED 127.0.0.1:9') });
      },
      shutdown: async () => {},
    };
    const tracing = createTracingSdk(settings, { exporter: refusing, warn: (message) => warnings.push(message) });
    withSpan('lost', {}, () => undefined);
    await expect(tracing.shutdown()).resolves.toBeUndefined();
    expect(exported.flat().map((s) => s.name)).toEqual(['lost']);
    expect(warnings.some((w) => w.includes('ECONNREFUSED'))).toBe(true);
    // Unregistered: spans are the API's no-op ones, and a new SDK may register.
    expect(groundworkTracer().startSpan('after').isRecording()).toBe(false);
    const again = createTracingSdk(settings, { exporter: new InMemorySpanExporter(), warn: () => {} });
    await again.shutdown();
  });

  it('refuses to register over a provider that is there already, and leaves that one working', async () => {
    const exporter = new InMemorySpanExporter();
    const first = createTracingSdk(settings, { exporter, warn: () => {} });
    try {
      expect(() => createTracingSdk(settings, { exporter: new InMemorySpanExporter(), warn: () => {} })).toThrow(/registered already/);
      withSpan('still traced', {}, () => undefined);
      await first.forceFlush();
      const [span] = exporter.getFinishedSpans();
      expect(span.name).toBe('still traced');
      // The resource: service name, OTEL_RESOURCE_ATTRIBUTES, the package version, the SDK's own.
      expect(span.resource.attributes).toMatchObject({ 'service.name': 'groundwork', 'deployment.environment.name': 'test', 'telemetry.sdk.language': 'nodejs' });
      expect(span.resource.attributes['service.version']).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      await first.shutdown();
    }
  });
});
