import { GroundworkError } from '../errors.js';

/** Where a command writes: stdout carries the result (one JSON document with --json), stderr the rest. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal (progress bars only then). */
  isTty: boolean;
}

export const processIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: Boolean(process.stderr.isTTY),
});

/** Thrown for bad usage: exit code 2. */
export class UsageError extends GroundworkError {
  constructor(message: string) {
    super('INPUT', message);
  }
}

/** Prints one JSON document. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** A fixed-width table for human output. */
export function table(rows: Array<Record<string, unknown>>, columns?: string[]): string {
  if (rows.length === 0) return '(none)\n';
  const cols = columns ?? Object.keys(rows[0]);
  const cell = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'number' ? formatNumber(v) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]): string => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n') + '\n';
}

export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toFixed(4);
}

/** The JSON shape of an error, as the HTTP layer also renders it. */
export function errorJson(error: unknown): { error: { code: string; message: string; details?: unknown } } {
  if (error instanceof GroundworkError) return { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
  return { error: { code: 'INTERNAL', message: (error as Error)?.message ?? String(error) } };
}
