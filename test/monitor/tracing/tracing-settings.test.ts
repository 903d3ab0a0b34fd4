import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import * as stable from '@opentelemetry/semantic-conventions';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import * as names from '../../../src/monitor/tracing/span-attributes.js';
import { parseTraceparent } from '../../../src/monitor/tracing/traceparent.js';
import { parseResourceAttributes, tracingSettingsFromEnv } from '../../../src/monitor/tracing/tracing-settings.js';

describe('tracingSettingsFromEnv', () => {
  it('is off with no endpoint, and says why', () => {
    expect(tracingSettingsFromEnv({})).toEqual({ enabled: false, reason: expect.stringContaining('OTEL_EXPORTER_OTLP_ENDPOINT') });
    expect(tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }).enabled).toBe(false);
  });

  it('appends /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT, and takes OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is (the exporter spec)', () => {
    expect(tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toMatchObject({ enabled: true, tracesUrl: 'http://collector:4318/v1/traces', source: 'OTEL_EXPORTER_OTLP_ENDPOINT' });
    expect(tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/base/' })).toMatchObject({ tracesUrl: 'https://otel.example/base/v1/traces' });
    expect(
      tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/custom/traces' }),
    ).toMatchObject({ tracesUrl: 'http://b:9999/custom/traces', source: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' });
  });

  it('service name: OTEL_SERVICE_NAME, then service.name of OTEL_RESOURCE_ATTRIBUTES, then groundwork', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' };
    expect(tracingSettingsFromEnv(endpoint)).toMatchObject({ serviceName: 'groundwork', resourceAttributes: {} });
    expect(tracingSettingsFromEnv({ ...endpoint, OTEL_RESOURCE_ATTRIBUTES: 'service.name=rag,deployment.environment.name=prod%20eu' })).toMatchObject({
      serviceName: 'rag',
      resourceAttributes: { 'service.name': 'rag', 'deployment.environment.name': 'prod eu' },
    });
    expect(tracingSettingsFromEnv({ ...endpoint, OTEL_SERVICE_NAME: 'qa', OTEL_RESOURCE_ATTRIBUTES: 'service.name=rag' })).toMatchObject({ serviceName: 'qa' });
  });

  it('OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none turn it off', () => {
    expect(tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).toEqual({ enabled: false, reason: 'OTEL_SDK_DISABLED=true' });
    expect(tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' })).toEqual({ enabled: false, reason: 'OTEL_TRACES_EXPORTER=none' });
  });

  it('values it cannot honour fail with the variable named', () => {
    const fails = (env: Record<string, string>, variable: string) => {
      let error: unknown;
      try {
        tracingSettingsFromEnv(env);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).key).toBe(variable);
    };
    fails({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT');
    fails({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
    fails({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://c/' }, 'OTEL_EXPORTER_OTLP_ENDPOINT');
    fails({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL');
    fails({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL');
    fails({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER');
    fails({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_RESOURCE_ATTRIBUTES: 'novalue' }, 'OTEL_RESOURCE_ATTRIBUTES');
  });

  it('http/protobuf is answered with a notice: the exporter sends JSON, which OTLP/HTTP receivers take too', () => {
    const settings = tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
    expect(settings.enabled && settings.notices).toEqual([expect.stringContaining('JSON')]);
    const json = tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    expect(json.enabled && json.notices).toEqual([]);
  });

  it('parseResourceAttributes skips empty pairs and decodes percent-encoding', () => {
    expect(parseResourceAttributes('a=1,,b=x%2Cy')).toEqual({ a: '1', b: 'x,y' });
    expect(parseResourceAttributes(undefined)).toEqual({});
  });
});

describe('attribute names', () => {
  it('are the semantic conventions package’s own (GenAI incubating, HTTP stable)', () => {
    const expected: Record<string, string> = {
      ATTR_HTTP_REQUEST_METHOD: stable.ATTR_HTTP_REQUEST_METHOD,
      ATTR_HTTP_RESPONSE_STATUS_CODE: stable.ATTR_HTTP_RESPONSE_STATUS_CODE,
      ATTR_HTTP_ROUTE: stable.ATTR_HTTP_ROUTE,
      ATTR_URL_PATH: stable.ATTR_URL_PATH,
      ATTR_URL_SCHEME: stable.ATTR_URL_SCHEME,
      ATTR_USER_AGENT_ORIGINAL: stable.ATTR_USER_AGENT_ORIGINAL,
      ATTR_ERROR_TYPE: stable.ATTR_ERROR_TYPE,
      ATTR_SERVICE_NAME: stable.ATTR_SERVICE_NAME,
      ATTR_SERVICE_VERSION: stable.ATTR_SERVICE_VERSION,
      ATTR_GEN_AI_OPERATION_NAME: incubating.ATTR_GEN_AI_OPERATION_NAME,
      ATTR_GEN_AI_PROVIDER_NAME: incubating.ATTR_GEN_AI_PROVIDER_NAME,
      ATTR_GEN_AI_SYSTEM: incubating.ATTR_GEN_AI_SYSTEM,
      ATTR_GEN_AI_REQUEST_MODEL: incubating.ATTR_GEN_AI_REQUEST_MODEL,
      ATTR_GEN_AI_REQUEST_MAX_TOKENS: incubating.ATTR_GEN_AI_REQUEST_MAX_TOKENS,
      ATTR_GEN_AI_REQUEST_STREAM: incubating.ATTR_GEN_AI_REQUEST_STREAM,
      ATTR_GEN_AI_RESPONSE_MODEL: incubating.ATTR_GEN_AI_RESPONSE_MODEL,
      ATTR_GEN_AI_USAGE_INPUT_TOKENS: incubating.ATTR_GEN_AI_USAGE_INPUT_TOKENS,
      ATTR_GEN_AI_USAGE_OUTPUT_TOKENS: incubating.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
      ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: incubating.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
      GEN_AI_OPERATION_NAME_VALUE_CHAT: incubating.GEN_AI_OPERATION_NAME_VALUE_CHAT,
      GEN_AI_OPERATION_NAME_VALUE_RETRIEVAL: incubating.GEN_AI_OPERATION_NAME_VALUE_RETRIEVAL,
    };
    const ours = Object.fromEntries(Object.entries(names).filter(([key]) => !key.includes('GROUNDWORK')));
    expect(ours).toEqual(expected);
  });
});

describe('parseTraceparent', () => {
  it('reads a version-00 header, keeps only the sampled flag, and rejects malformed or all-zero ids', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
      isRemote: true,
    });
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00')?.traceFlags).toBe(0);
    for (const bad of [
      undefined,
      '',
      'garbage',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
    ]) {
      expect(parseTraceparent(bad), String(bad)).toBeUndefined();
    }
    // A later version may carry more fields.
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future')?.spanId).toBe('00f067aa0ba902b7');
  });
});
