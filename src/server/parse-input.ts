import type { Context } from 'hono';
import type { z } from 'zod';
import { GroundworkError } from '../errors.js';
import { invalidInput } from './error-response.js';

/** Reads a JSON body and validates it; 400 naming each bad field, or the body when it is not JSON. */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (error) {
    if (error instanceof GroundworkError) throw error;
    throw new GroundworkError('INPUT', `body: not valid JSON (${(error as Error).message})`, { details: { fields: [{ field: 'body', message: 'not valid JSON' }] } });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalidInput(parsed.error);
  return parsed.data;
}

/** Validates query parameters; 400 naming each bad parameter. */
export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw invalidInput(parsed.error, 'query');
  return parsed.data;
}
