import { GroundworkError } from '../../errors.js';

/** Why a file (or a record in it) was skipped instead of ingested. */
export const SKIP_REASONS = [
  'unreadable',
  'empty',
  'binary',
  'too-large',
  'encrypted',
  'corrupt',
  'invalid-utf8',
  'malformed-json',
  'malformed-csv',
  'malformed-front-matter',
  'unsupported',
  'outside-root',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** A skipped input as reported in the ingest summary. */
export interface LoadSkip {
  path: string;
  reason: SkipReason;
  message: string;
}

/** Thrown by loaders for input they cannot turn into documents; loadFile turns it into a LoadSkip. */
export class SkipError extends GroundworkError {
  readonly reason: SkipReason;
  readonly path: string;
  /** What is wrong, without the path and reason the error message also names (`no text`). */
  readonly detail: string;
  constructor(path: string, reason: SkipReason, detail: string, cause?: unknown) {
    super('INPUT', `${path}: ${reason}: ${detail}`, { details: { path, reason }, cause });
    this.reason = reason;
    this.path = path;
    this.detail = detail;
  }

  /** The skip as the summary reports it: path, reason and detail, each said once. */
  toSkip(): LoadSkip {
    return { path: this.path, reason: this.reason, message: this.detail };
  }
}
