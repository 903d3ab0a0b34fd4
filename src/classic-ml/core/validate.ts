import { InputError } from '../../errors.js';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'number') return String(value);
  return `a ${typeof value}`;
}

/** Checks that every value is a finite number and returns them; names the index of the first bad one. */
export function requireFiniteNumbers(values: unknown, field: string, minLength = 1): number[] {
  if (!Array.isArray(values)) throw new InputError(field, 'expected an array of numbers');
  if (values.length < minLength) {
    throw new InputError(field, values.length === 0 ? 'is empty' : `has ${values.length} values, needs at least ${minLength}`);
  }
  for (let i = 0; i < values.length; i++) {
    const value: unknown = values[i];
    if (typeof value !== 'number') throw new InputError(field, `value at index ${i} is ${describe(value)}, expected a number`);
    if (!Number.isFinite(value)) throw new InputError(field, `value at index ${i} is ${value}, expected a finite number`);
  }
  return values as number[];
}

/** Throws unless two arrays have the same length, naming both fields. */
export function requireSameLength(a: readonly unknown[], aField: string, b: readonly unknown[], bField: string): void {
  if (a.length !== b.length) {
    throw new InputError(bField, `has ${b.length} values but ${aField} has ${a.length}; lengths must match`);
  }
}

/** Checks binary labels (0 or 1) and returns them. */
export function requireBinaryLabels(values: unknown, field: string, minLength = 1): (0 | 1)[] {
  const numbers = requireFiniteNumbers(values, field, minLength);
  for (let i = 0; i < numbers.length; i++) {
    if (numbers[i] !== 0 && numbers[i] !== 1) throw new InputError(field, `value at index ${i} is ${numbers[i]}, expected 0 or 1`);
  }
  return numbers as (0 | 1)[];
}

/** Throws unless both classes occur in binary labels; returns the number of positives. */
export function requireBothClasses(labels: readonly (0 | 1)[], field: string): number {
  let positives = 0;
  for (const label of labels) positives += label;
  if (positives === 0 || positives === labels.length) {
    throw new InputError(field, `contains only class ${labels[0]}; this needs both classes 0 and 1`);
  }
  return positives;
}

/** Checks that every value is a probability in [0, 1]. */
export function requireProbabilities(values: unknown, field: string, minLength = 1): number[] {
  const numbers = requireFiniteNumbers(values, field, minLength);
  for (let i = 0; i < numbers.length; i++) {
    if (numbers[i] < 0 || numbers[i] > 1) throw new InputError(field, `value at index ${i} is ${numbers[i]}, expected a probability in [0, 1]`);
  }
  return numbers;
}

/** Checks a rectangular matrix of finite numbers with at least `minRows` rows; returns it and its width. */
export function requireMatrix(rows: unknown, field: string, minRows = 1): { rows: number[][]; columns: number } {
  if (!Array.isArray(rows)) throw new InputError(field, 'expected an array of rows (arrays of numbers)');
  if (rows.length < minRows) {
    throw new InputError(field, rows.length === 0 ? 'has no rows' : `has ${rows.length} rows, needs at least ${minRows}`);
  }
  const first: unknown = rows[0];
  if (!Array.isArray(first) || first.length === 0) throw new InputError(`${field}[0]`, 'expected a non-empty array of numbers');
  const columns = first.length;
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i];
    if (!Array.isArray(row)) throw new InputError(`${field}[${i}]`, 'expected an array of numbers');
    if (row.length !== columns) throw new InputError(`${field}[${i}]`, `has ${row.length} columns, row 0 has ${columns}`);
    for (let j = 0; j < columns; j++) {
      const value: unknown = row[j];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new InputError(`${field}[${i}][${j}]`, `column ${j} is ${describe(value)}, expected a finite number`);
      }
    }
  }
  return { rows: rows as number[][], columns };
}

/** Throws unless the value is a finite number inside [min, max] (or the open interval when `open`). */
export function requireInRange(value: number, field: string, min: number, max: number, open = false): number {
  const ok = Number.isFinite(value) && (open ? value > min && value < max : value >= min && value <= max);
  if (!ok) throw new InputError(field, `is ${value}, expected a number in ${open ? '(' : '['}${min}, ${max}${open ? ')' : ']'}`);
  return value;
}

/** Describes a value for an error message (the value, or its type when long or structured). */
export function describeValue(value: unknown): string {
  return describe(value);
}
