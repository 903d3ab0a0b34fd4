import type { ErrorCode } from '../errors.js';

/**
 * The one map from GroundworkError codes to HTTP statuses. TIMEOUT is 504 (the request ran past
 * the server's per-request limit), CONFLICT 409 and MODEL_MISSING 501; every code not listed is ours: 500.
 */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  // A feature that needs a model this server has not installed (POST /v1/embeddings without an embedder).
  MODEL_MISSING: 501,
  RATE_LIMITED: 429,
  BUDGET_EXCEEDED: 429,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
};

/** HTTP status for an error code (500 for codes that mean the fault is ours). */
export function errorStatus(code: string): number {
  return STATUS_BY_CODE[code as ErrorCode] ?? 500;
}
