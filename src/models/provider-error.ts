/**
 * Turns errors thrown by provider SDKs (openai via @langchain/openai, cohere-ai) and by fetch into
 * ProviderError with provider, model, status, isRetryable and the Retry-After delay.
 */
import { GroundworkError, ProviderError, parseRetryAfter } from '../errors.js';

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

/** Where a failed provider call was going; names the operation and target in the error. */
export interface ProviderCallContext {
  provider: string;
  model: string;
  url?: string;
  /** The call's own time limit, named in the message of a timeout. */
  timeoutMs?: number;
  /** The caller's signal: a call it aborted is not retried. */
  signal?: AbortSignal;
}

/** SDK error names for a call the caller aborted (fetch, openai). */
const ABORT_ERROR_NAMES = new Set(['AbortError', 'APIUserAbortError']);
/** SDK error names for a call that ran out of time. */
const TIMEOUT_ERROR_NAMES = new Set(['TimeoutError', 'APIConnectionTimeoutError', 'CohereTimeoutError']);

/**
 * The one mapping from whatever a provider SDK threw (openai via @langchain/openai or directly,
 * Anthropic, cohere-ai, fetch) to a ProviderError with provider, model, HTTP status, `isRetryable`
 * (408/409/429/5xx, timeouts, network failures; never a call the caller aborted, never our own
 * bug) and `retryAfterMs` from `retry-after-ms` or `Retry-After`. A ProviderError is returned as is.
 * Retrying is the caller's decision.
 */
export function toProviderError(error: unknown, context: ProviderCallContext): ProviderError {
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
  const base = { provider: context.provider, model: context.model, url: context.url, cause: error };
  const names = `${typeof record.name === 'string' ? record.name : ''} ${(error as object | undefined)?.constructor?.name ?? ''}`.trim().split(' ');
  const message = typeof record.message === 'string' ? record.message.split('\n')[0]! : String(error);
  if (context.signal?.aborted || names.some((name) => ABORT_ERROR_NAMES.has(name))) {
    return new ProviderError({ ...base, message: 'request aborted by the caller', isRetryable: false });
  }
  const rawStatus = record.status ?? record.statusCode;
  const status = typeof rawStatus === 'number' ? rawStatus : undefined;
  if (status === undefined && names.some((name) => TIMEOUT_ERROR_NAMES.has(name))) {
    const after = context.timeoutMs === undefined ? '' : ` after ${context.timeoutMs} ms`;
    return new ProviderError({ ...base, message: `request timed out${after}`, isRetryable: true });
  }
  const headers = record.headers ?? record.rawResponse?.headers;
  const body = record.body ?? record.error;
  const responseBody = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const network = status === undefined && isNetworkError(error);
  return new ProviderError({
    ...base,
    message: status === undefined ? (network ? `network error: ${message}` : `request failed: ${message}`) : `HTTP ${status}: ${message}`,
    status,
    // Without a status, only recognized network failures are worth retrying (not our own bugs).
    isRetryable: status === undefined ? network : undefined,
    retryAfterMs: retryAfterFromHeaders(headers),
    responseBody,
  });
}

/**
 * A failed provider call as the caller throws it: a GroundworkError raised on our side of the call
 * (bad input, a budget) stays what it is; anything else goes through toProviderError.
 */
export function asProviderFailure(error: unknown, context: ProviderCallContext): GroundworkError {
  return error instanceof GroundworkError ? error : toProviderError(error, context);
}
