/**
 * Turns errors thrown by provider SDKs (openai via @langchain/openai, cohere-ai) and by fetch into
 * ProviderError with provider, model, status, isRetryable and the Retry-After delay.
 */
import { ProviderError, parseRetryAfter } from '../errors.js';

/** Node network error codes that mean "no response, try again". */
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
/** SDK error names for connection failures and timeouts (openai, LangChain, cohere-ai). */
const NETWORK_ERROR_NAMES = new Set(['APIConnectionError', 'APIConnectionTimeoutError', 'TimeoutError', 'CohereTimeoutError']);

type HeaderSource = Headers | Record<string, string | string[] | undefined> | undefined;

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After in ms from response headers: `retry-after-ms` (OpenAI) first, then `retry-after`. */
export function retryAfterFromHeaders(headers: HeaderSource): number | undefined {
  const milliseconds = Number(header(headers, 'retry-after-ms'));
  if (header(headers, 'retry-after-ms') !== undefined && Number.isFinite(milliseconds)) return Math.max(0, milliseconds);
  return parseRetryAfter(header(headers, 'retry-after'));
}

function isNetworkError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth++) {
    const { name, code, message } = current as { name?: string; code?: string; message?: string };
    if ((name && NETWORK_ERROR_NAMES.has(name)) || (code && NETWORK_ERROR_CODES.has(code)) || message === 'fetch failed') return true;
  }
  return false;
}

/** Converts any error from a provider call into a ProviderError (returned as is when it already is one). */
export function toProviderError(error: unknown, context: { provider: string; model: string; url?: string }): ProviderError {
  if (error instanceof ProviderError) return error;
  const record = (error ?? {}) as {
    status?: unknown;
    statusCode?: unknown;
    headers?: HeaderSource;
    rawResponse?: { headers?: HeaderSource };
    body?: unknown;
    error?: unknown;
    message?: unknown;
    name?: unknown;
  };
  const rawStatus = record.status ?? record.statusCode;
  const status = typeof rawStatus === 'number' ? rawStatus : undefined;
  const headers = record.headers ?? record.rawResponse?.headers;
  const body = record.body ?? record.error;
  const responseBody = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const message = typeof record.message === 'string' ? record.message.split('\n')[0]! : String(error);
  const aborted = record.name === 'AbortError';
  const network = status === undefined && !aborted && isNetworkError(error);
  return new ProviderError({
    provider: context.provider,
    model: context.model,
    message: status === undefined ? (network ? `network error: ${message}` : message) : `HTTP ${status}: ${message}`,
    status,
    // Without a status, only recognized network failures are worth retrying (not our own bugs).
    isRetryable: status === undefined ? network : undefined,
    retryAfterMs: retryAfterFromHeaders(headers),
    url: context.url,
    responseBody,
    cause: error,
  });
}
