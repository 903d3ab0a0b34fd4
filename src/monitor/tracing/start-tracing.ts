/**
 * Starting and stopping tracing at a process's edge (the CLI). The SDK is imported only when the
 * environment turns tracing on: otherwise nothing is loaded or registered, and every span is the
 * OpenTelemetry API's no-op span.
 */
import type { Tracing, TracingSdkOptions } from './tracing-sdk.js';
import { tracingSettingsFromEnv } from './tracing-settings.js';

export type { Tracing, TracingSdkOptions };

export interface StartTracingOptions extends TracingSdkOptions {
  /** Told once what was set up (or why tracing stays off for a reason worth saying). */
  notice?: (message: string) => void;
}

/**
 * Starts tracing when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set in
 * `env` (see tracingSettingsFromEnv), else returns undefined having imported nothing. Call
 * `shutdown()` before the process exits: it sends the spans still batched.
 * @example
 * const tracing = await startTracing(process.env);
 * try { await run(); } finally { await tracing?.shutdown(); }
 */
export async function startTracing(env: Record<string, string | undefined>, options: StartTracingOptions = {}): Promise<Tracing | undefined> {
  const settings = tracingSettingsFromEnv(env);
  if (!settings.enabled) return undefined;
  for (const notice of settings.notices) options.notice?.(notice);
  const { createTracingSdk } = await import('./tracing-sdk.js');
  return createTracingSdk(settings, options);
}
