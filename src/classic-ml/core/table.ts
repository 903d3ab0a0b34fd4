import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { describeValue } from './validate.js';

/** A table row: column name to a JSON value. */
export type Row = Record<string, unknown>;

/** A table given as JSON rows or as CSV text with a header line. */
export const tableInputSchema = z.union([
  z.object({ rows: z.array(z.record(z.string(), z.unknown())) }),
  z.object({ csv: z.string() }),
]);

/** Rows from JSON rows or CSV text (header line required; values stay strings). */
export function readTable(input: { rows: Row[] } | { csv: string }, field = 'rows'): Row[] {
  if ('rows' in input) return input.rows;
  try {
    return parse(input.csv, { columns: true, skip_empty_lines: true, trim: true }) as Row[];
  } catch (error) {
    throw new InputError('csv', `could not be parsed: ${(error as Error).message}`, { table: field });
  }
}

/** Whether a cell counts as missing: null, undefined, empty or whitespace-only string, "NA"/"NaN"/"null". */
export function isMissing(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'number') return Number.isNaN(value);
  if (typeof value === 'string') return /^\s*$|^(na|n\/a|nan|null|none)$/i.test(value.trim());
  return false;
}

/** A cell as a finite number (numbers, numeric strings, booleans), or undefined when it is not one. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Column names across all rows, in first-seen order. */
export function columnNames(rows: readonly Row[]): string[] {
  const names = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) names.add(key);
  return [...names];
}

/** A column's values as finite numbers; throws naming the column and row of the first bad cell. */
export function numericColumn(rows: readonly Row[], column: string, table = 'rows'): number[] {
  if (rows.length === 0) throw new InputError(table, 'has no rows');
  if (!rows.some((row) => column in row)) throw new InputError(`${table}.${column}`, 'no such column');
  return rows.map((row, i) => {
    const n = asNumber(row[column]);
    if (n === undefined) {
      throw new InputError(`${table}.${column}`, `row ${i} is ${isMissing(row[column]) ? 'missing' : describeValue(row[column])}, expected a number`);
    }
    return n;
  });
}

/** A column's values as category strings; missing cells throw naming the column and row. */
export function categoryColumn(rows: readonly Row[], column: string, table = 'rows'): string[] {
  if (rows.length === 0) throw new InputError(table, 'has no rows');
  if (!rows.some((row) => column in row)) throw new InputError(`${table}.${column}`, 'no such column');
  return rows.map((row, i) => {
    if (isMissing(row[column])) throw new InputError(`${table}.${column}`, `row ${i} is missing, expected a category`);
    return String(row[column]);
  });
}

/** Timestamp of a cell (ISO string or epoch milliseconds), or undefined. */
export function asTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const t = Date.parse(value);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}
