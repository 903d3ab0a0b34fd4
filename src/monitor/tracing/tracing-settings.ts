/**
 * Whether and where traces go, from the OpenTelemetry SDK's standard environment variables
 * (https://opentelemetry.io/docs/specs/otel/protocol/exporter/ and .../configuration/sdk-environment-variables/).
 * Read at the edge (CLI start) from the environment it is handed, never from module state.
 */
import { ConfigError } from '../../errors.js';

/** The service name spans carry when OTEL_SERVICE_NAME is not set. */
export const DEFAULT_SERVICE_NAME = 'groundwork';

/** The OTLP/HTTP path of traces, appended to OTEL_EXPORTER_OTLP_ENDPOINT (not to the per-signal variable, per the spec). */
const TRACES_PATH = 'v1/traces';

export type TracingSettings =
  | { enabled: false; reason: string }
  | {
      enabled: true;
      /** Where spans are POSTed (OTLP/HTTP, JSON encoding). */
      tracesUrl: string;
      /** Which variable named it. */
      source: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_EXPORTER_OTLP_ENDPOINT';
      serviceName: string;
      /** From OTEL_RESOURCE_ATTRIBUTES (key=value,... percent-encoded). */
      resourceAttributes: Record<string, string>;
      /** Things worth saying once at start (an encoding asked for that this exporter does not speak). */
      notices: string[];
    };

type Env = Record<string, string | undefined>;

const value = (env: Env, name: string): string | undefined => {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
};

/** Checks that a variable holds an http(s) URL, naming the variable when it does not. */
function checkUrl(name: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, raw, 'an http:// or https:// URL of an OTLP/HTTP receiver (e.g. http://localhost:4318)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(name, raw, 'an http:// or https:// URL (groundwork exports traces over OTLP/HTTP)');
  return url;
}

/** OTEL_RESOURCE_ATTRIBUTES: `key1=value1,key2=value2`, values percent-encoded (the SDK spec's format). */
export function parseResourceAttributes(raw: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (!raw) return attributes;
  for (const pair of raw.split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.indexOf('=');
    if (at <= 0) throw new ConfigError('OTEL_RESOURCE_ATTRIBUTES', raw, 'comma-separated key=value pairs');
    try {
      attributes[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      throw new ConfigError('OTEL_RESOURCE_ATTRIBUTES', raw, 'percent-encoded keys and values');
    }
  }
  return attributes;
}

/**
 * Tracing settings from the environment: on when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is)
 * or OTEL_EXPORTER_OTLP_ENDPOINT (`/v1/traces` appended) is set, unless OTEL_SDK_DISABLED=true or
 * OTEL_TRACES_EXPORTER=none. A value groundwork cannot honour (a gRPC protocol, another exporter,
 * a malformed URL) fails with a ConfigError naming the variable.
 */
export function tracingSettingsFromEnv(env: Env): TracingSettings {
  if (value(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return { enabled: false, reason: 'OTEL_SDK_DISABLED=true' };
  const exporter = value(env, 'OTEL_TRACES_EXPORTER')?.toLowerCase();
  if (exporter === 'none') return { enabled: false, reason: 'OTEL_TRACES_EXPORTER=none' };
  if (exporter !== undefined && exporter !== 'otlp') throw new ConfigError('OTEL_TRACES_EXPORTER', exporter, '"otlp" or "none" (groundwork ships the OTLP/HTTP exporter only)');

  const specific = value(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const general = value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (specific === undefined && general === undefined) return { enabled: false, reason: 'neither OTEL_EXPORTER_OTLP_TRACES_ENDPOINT nor OTEL_EXPORTER_OTLP_ENDPOINT is set' };
  const source = specific !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const url = checkUrl(source, (specific ?? general)!);
  const tracesUrl = specific !== undefined ? url.href : `${url.href.endsWith('/') ? url.href : `${url.href}/`}${TRACES_PATH}`;

  const notices: string[] = [];
  const protocolName = value(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = value(env, protocolName)?.toLowerCase();
  if (protocol === 'grpc') throw new ConfigError(protocolName, protocol, '"http/json" or "http/protobuf": groundwork exports traces over OTLP/HTTP, not gRPC (point the endpoint at the receiver\'s HTTP port, usually 4318)');
  if (protocol === 'http/protobuf') notices.push(`${protocolName}=http/protobuf: groundwork's exporter sends OTLP/HTTP with the JSON encoding, which OTLP/HTTP receivers (the OpenTelemetry Collector among them) accept as well`);
  else if (protocol !== undefined && protocol !== 'http/json') throw new ConfigError(protocolName, protocol, '"http/json" or "http/protobuf" (both sent as OTLP/HTTP JSON)');

  const resourceAttributes = parseResourceAttributes(value(env, 'OTEL_RESOURCE_ATTRIBUTES'));
  const serviceName = value(env, 'OTEL_SERVICE_NAME') ?? resourceAttributes['service.name'] ?? DEFAULT_SERVICE_NAME;
  return { enabled: true, tracesUrl, source, serviceName, resourceAttributes, notices };
}
