import type { Hono } from 'hono';
import { z } from 'zod';
import type { Queryable } from '../../db/types.js';
import type { AppEnv, RouteDeps } from '../app-env.js';
import { parseJsonBody } from '../parse-input.js';
import { resolveTenant } from '../resolve-tenant.js';

/** A rating as clients send it, and as it is stored (migrations/0011_feedback.sql: -1 or 1). */
export const FEEDBACK_RATINGS = { up: 1, down: -1 } as const;
export type FeedbackRating = keyof typeof FEEDBACK_RATINGS;

/**
 * Longest correct answer kept: a few paragraphs is what a person types into the console; the
 * limit keeps one label from being a document upload in disguise.
 */
export const MAX_CORRECT_ANSWER_CHARS = 16_000;

/**
 * Any request id groundwork hands out: the HTTP layer's `x-request-id` (Hono's requestId: word
 * characters, `-`, `=`, at most 255) and the library's (src/app/request-id.ts: also `.` and `:`).
 */
const REQUEST_ID = /^[\w.:=-]{1,255}$/;

/** `POST /v1/feedback` body. */
export const feedbackBodySchema = z
  .object({
    requestId: z.string().regex(REQUEST_ID, 'must be the x-request-id of an answer (1 to 255 letters, digits, "_", "-", "=", "." or ":")'),
    rating: z.enum(['up', 'down']),
    correctAnswer: z
      .string()
      .max(MAX_CORRECT_ANSWER_CHARS)
      .refine((s) => s.trim().length > 0, 'must not be empty when given (leave it out instead)')
      .optional(),
    tenant: z.string().optional(),
  })
  .strict();

/** One stored rating. */
export interface FeedbackRecord {
  id: number;
  requestId: string;
  rating: FeedbackRating;
  correctAnswer: string | null;
  /** False when this replaced an earlier rating of the same request. */
  created: boolean;
}

/**
 * Stores a rating of one answer (tenant, request id); a later rating of the same request replaces
 * the earlier one, correction included.
 */
export async function recordFeedback(
  db: Queryable,
  input: { tenant: string; requestId: string; rating: FeedbackRating; correctAnswer?: string },
): Promise<FeedbackRecord> {
  // xmax is 0 on a row this statement inserted and the updating transaction's id on one it
  // updated: the one way to tell the two apart from a single upsert.
  const { rows } = await db.query<{ id: number; inserted: boolean; correct_answer: string | null }>(
    `INSERT INTO feedback (tenant, request_id, rating, correct_answer) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant, request_id) DO UPDATE
       SET rating = EXCLUDED.rating, correct_answer = EXCLUDED.correct_answer, updated_at = now()
     RETURNING id::int AS id, (xmax = 0) AS inserted, correct_answer`,
    [input.tenant, input.requestId, FEEDBACK_RATINGS[input.rating], input.correctAnswer ?? null],
  );
  const row = rows[0];
  return { id: row.id, requestId: input.requestId, rating: input.rating, correctAnswer: row.correct_answer, created: row.inserted };
}

/**
 * `POST /v1/feedback` `{requestId, rating: "up"|"down", correctAnswer?}`: a person's rating of
 * one answer, keyed by the answer's `x-request-id` in the caller's tenant. 201 `{id, requestId,
 * rating}` for a new rating; 200 when it replaced an earlier one for the same request.
 */
export function registerFeedbackRoute(app: Hono<AppEnv>, deps: RouteDeps): void {
  const { groundwork } = deps;
  app.post('/v1/feedback', async (c) => {
    const body = await parseJsonBody(c, feedbackBodySchema);
    const tenant = resolveTenant(c.get('principal'), body.tenant, groundwork.config.tenant);
    const record = await recordFeedback(groundwork.db, { tenant, requestId: body.requestId, rating: body.rating, correctAnswer: body.correctAnswer });
    return c.json({ id: record.id, requestId: record.requestId, rating: record.rating, ...(record.correctAnswer !== null ? { correctAnswer: record.correctAnswer } : {}) }, record.created ? 201 : 200);
  });
}
