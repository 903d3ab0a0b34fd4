import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { GroundworkError } from '../errors.js';
import { errorStatus } from './error-status.js';

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** A problem with one input field, as listed in `details.fields`. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Turns zod issues into field problems (`messages.2.content: expected string`). */
export function fieldProblems(error: z.ZodError, prefix?: string): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const field = [prefix, path].filter(Boolean).join('.') || prefix || '(body)';
    return { field, message: issue.message };
  });
}

/** A 400 error naming every invalid field. */
export function invalidInput(error: z.ZodError, prefix?: string): GroundworkError {
  const fields = fieldProblems(error, prefix);
  const message = `invalid input: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`;
  return new GroundworkError('INPUT', message, { details: { fields } });
}

/**
 * Maps any thrown value to a status and an error body. Our errors keep their code and details;
 * unknown errors become a 500 that names only the request id (the log line has the rest).
 */
export function toErrorResponse(error: unknown, requestId?: string): { status: number; body: ErrorBody } {
  if (error instanceof GroundworkError) {
    return { status: errorStatus(error.code), body: { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } } };
  }
  if (error instanceof z.ZodError) {
    const wrapped = invalidInput(error);
    return toErrorResponse(wrapped, requestId);
  }
  if (error instanceof HTTPException) {
    const code = error.status === 404 ? 'NOT_FOUND' : error.status === 413 ? 'TOO_LARGE' : error.status < 500 ? 'INPUT' : 'INTERNAL';
    return { status: error.status, body: { error: { code, message: error.message || `HTTP ${error.status}` } } };
  }
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: `internal error${requestId ? ` (request ${requestId})` : ''}` } },
  };
}
