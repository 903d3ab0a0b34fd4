import { randomUUID } from 'node:crypto';
import { InputError } from '../errors.js';

/** What an incoming request id may look like: the `x-request-id` header's usual alphabet, 1-128 characters. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:=-]{1,128}$/;

/** A fresh request id (made at the edge when the caller sent none). */
export function newRequestId(): string {
  return randomUUID();
}

/** The caller's request id when it has one (checked), else a new one. */
export function requestIdOf(given: string | undefined): string {
  if (given === undefined) return newRequestId();
  if (!REQUEST_ID_PATTERN.test(given)) throw new InputError('requestId', `must be 1-128 characters of A-Z a-z 0-9 . _ : = -, got ${JSON.stringify(given.slice(0, 40))}`);
  return given;
}
