import { GroundworkError, ProviderError, parseRetryAfter } from '../errors.js';

/** Where a failed provider call was going; names the operation and target in the error. */
export interface ProviderCallContext {
  provider: string;
  model: string;
  url?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name] ?? (headers as Record<string, unknown>)[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

function errorName(error: unknown): string {
  if (!error || typeof error !== 'object') return '';
  return `${(error as Error).name ?? ''} ${(error as object).constructor?.name ?? ''}`;
}

/**
 * Turns whatever an SDK threw (OpenAI, Anthropic, LangChain wrappers, fetch failures) into a
 * ProviderError with the HTTP status, `isRetryable` (408/409/429/5xx, timeouts, network errors) and
 * `retryAfterMs` from `retry-after-ms` or `Retry-After`. Retrying is the caller's decision.
 */
export function toProviderError(error: unknown, context: ProviderCallContext): GroundworkError {
  if (error instanceof GroundworkError) return error;
  const base = { provider: context.provider, model: context.model, url: context.url, cause: error };
  const name = errorName(error);
  if (context.signal?.aborted || /AbortError|APIUserAbortError/.test(name)) {
    return new ProviderError({ ...base, message: 'request aborted by the caller', isRetryable: false });
  }
  if (/TimeoutError|APIConnectionTimeoutError/.test(name)) {
    const after = context.timeoutMs === undefined ? '' : ` after ${context.timeoutMs} ms`;
    return new ProviderError({ ...base, message: `request timed out${after}`, isRetryable: true });
  }
  const record = (error && typeof error === 'object' ? error : {}) as Record<string, unknown>;
  const status = typeof record.status === 'number' ? record.status : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (status === undefined) {
    return new ProviderError({ ...base, message: `request failed: ${message}` });
  }
  const retryAfterMsHeader = Number(header(record.headers, 'retry-after-ms'));
  const retryAfterMs = Number.isFinite(retryAfterMsHeader) && retryAfterMsHeader >= 0
    ? retryAfterMsHeader
    : parseRetryAfter(header(record.headers, 'retry-after'));
  const body = record.error ?? record.body;
  return new ProviderError({
    ...base,
    message: `HTTP ${status}: ${message}`,
    status,
    retryAfterMs,
    responseBody: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}
