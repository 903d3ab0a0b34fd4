/**
 * One error base for the whole project. Callers branch on `code`; the HTTP layer maps codes to
 * statuses in one place (src/server/error-status.ts).
 */
export type ErrorCode =
  | 'INPUT'
  | 'CONFIG'
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'TOO_LARGE'
  | 'RATE_LIMITED'
  | 'BUDGET_EXCEEDED'
  | 'PROVIDER'
  | 'DATABASE'
  | 'EMBEDDER_MISMATCH'
  | 'MODEL_MISSING'
  | 'UNAVAILABLE'
  | 'TIMEOUT'
  | 'INTERNAL';

/** Base class of every error groundwork throws on purpose. */
export class GroundworkError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, options?: { details?: Record<string, unknown>; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options?.details;
  }
}

/** Bad input from a user: names the field and the reason. */
export class InputError extends GroundworkError {
  readonly field: string;
  readonly reason: string;
  constructor(field: string, reason: string, details?: Record<string, unknown>) {
    super('INPUT', `${field}: ${reason}`, { details: { field, reason, ...details } });
    this.field = field;
    this.reason = reason;
  }
}

/** A configuration value that does not fit: names the key, the value and what was expected. */
export class ConfigError extends GroundworkError {
  readonly key: string;
  constructor(key: string, value: unknown, expected: string) {
    super('CONFIG', `config ${key}: got ${JSON.stringify(value)}, expected ${expected}`, {
      details: { key, value, expected },
    });
    this.key = key;
  }
}

/** A call to a model provider failed. `isRetryable` is true for 408/409/429/5xx and network errors. */
export class ProviderError extends GroundworkError {
  readonly provider: string;
  readonly model: string;
  readonly status?: number;
  readonly isRetryable: boolean;
  readonly retryAfterMs?: number;
  readonly url?: string;
  readonly responseBody?: string;
  constructor(args: {
    provider: string;
    model: string;
    message: string;
    status?: number;
    isRetryable?: boolean;
    retryAfterMs?: number;
    url?: string;
    responseBody?: string;
    cause?: unknown;
  }) {
    super('PROVIDER', `${args.provider} ${args.model}: ${args.message}`, {
      details: { provider: args.provider, model: args.model, status: args.status },
      cause: args.cause,
    });
    this.provider = args.provider;
    this.model = args.model;
    this.status = args.status;
    this.isRetryable = args.isRetryable ?? isRetryableStatus(args.status);
    this.retryAfterMs = args.retryAfterMs;
    this.url = args.url;
    this.responseBody = args.responseBody;
  }
}

/** HTTP statuses worth retrying: timeouts, conflicts, rate limits and server errors. */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return true; // network failure: no response at all
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
