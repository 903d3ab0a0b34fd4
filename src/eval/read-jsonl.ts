import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { z } from 'zod';
import { InputError } from '../errors.js';

/**
 * Streams a JSON Lines file, validating each non-blank line with `schema`. Errors name the file,
 * the 1-based line and the offending field, e.g. `queries.jsonl:12: _id: expected string`.
 */
export async function* readJsonl<T>(path: string, schema: z.ZodType<T>): AsyncGenerator<T> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      yield parseJsonLine(line, schema, `${path}:${lineNumber}`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(path, 'file not found');
    throw error;
  }
}

/** Parses and validates one JSON line; `where` names it in errors (`file:line`). */
export function parseJsonLine<T>(line: string, schema: z.ZodType<T>, where: string): T {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new InputError(where, `invalid JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : '(line)';
    throw new InputError(where, `${field}: ${issue.message}`, { issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  }
  return result.data;
}
