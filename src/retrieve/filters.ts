import { z } from 'zod';
import { InputError } from '../errors.js';
import type { Filter } from './types.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const rangeBound = z.union([z.number(), z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'an ISO date (YYYY-MM-DD...)')]);
const fieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'a field name of letters, digits, _ . -');

/** The typed filter model, validated at the edges (CLI, HTTP, library). */
export const filterSchema: z.ZodType<Filter> = z.union([
  z.object({ field: z.literal('source'), op: z.literal('prefix'), value: z.string().min(1) }).strict(),
  z.object({ field: z.literal('tags'), op: z.enum(['any', 'all']), values: z.array(z.string().min(1)).min(1).max(100) }).strict(),
  z.object({ field: z.literal('heading'), op: z.literal('contains'), value: z.string().min(1) }).strict(),
  z.object({ field: fieldName, op: z.literal('eq'), value: scalar }).strict(),
  z.object({ field: fieldName, op: z.literal('in'), values: z.array(z.union([z.string(), z.number()])).min(1).max(1000) }).strict(),
  z
    .object({ field: fieldName, op: z.literal('range'), gte: rangeBound.optional(), lte: rangeBound.optional(), gt: rangeBound.optional(), lt: rangeBound.optional() })
    .strict()
    .refine((f) => f.gte !== undefined || f.lte !== undefined || f.gt !== undefined || f.lt !== undefined, 'a range needs at least one bound'),
]) as z.ZodType<Filter>;

export const filtersSchema = z.array(filterSchema).max(20);

/** Validates untrusted filters; the error names the filter index and field. */
export function parseFilters(input: unknown): Filter[] {
  const result = filtersSchema.safeParse(input ?? []);
  if (!result.success) {
    const issue = result.error.issues[0];
    const at = issue.path.length ? `filters[${issue.path.join('].')}` : 'filters';
    const field = Array.isArray(input) && typeof issue.path[0] === 'number' ? (input[issue.path[0]] as { field?: unknown })?.field : undefined;
    throw new InputError(field ? `${at} (field ${String(field)})` : at, issue.message);
  }
  return result.data;
}

/** Columns of the documents row (alias d) and chunks row (alias c) that filters can name directly. */
const COLUMN_FIELDS: Record<string, { sql: string; type: 'text' | 'number' }> = {
  title: { sql: 'd.title', type: 'text' },
  externalId: { sql: 'd.external_id', type: 'text' },
  documentId: { sql: 'd.id', type: 'number' },
  page: { sql: 'c.page', type: 'number' },
};
const META = '(d.metadata || c.metadata)';

/**
 * Compiles filters to a SQL condition over aliases `d` (documents) and `c` (chunks). Values are
 * always parameters; field names of metadata are parameters too. `firstParam` is the number of
 * the first placeholder to use.
 */
export function compileFilters(filters: Filter[], firstParam: number): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const p = (value: unknown): string => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  for (const filter of filters) {
    switch (filter.op) {
      case 'prefix':
        parts.push(`starts_with(d.source, ${p(filter.value)})`);
        break;
      case 'any':
        parts.push(`(${META} -> 'tags') ?| ${p(filter.values)}::text[]`);
        break;
      case 'all':
        parts.push(`(${META} -> 'tags') ?& ${p(filter.values)}::text[]`);
        break;
      case 'contains':
        parts.push(`EXISTS (SELECT 1 FROM unnest(c.heading_path) h WHERE strpos(lower(h), lower(${p(filter.value)})) > 0)`);
        break;
      case 'eq': {
        const column = COLUMN_FIELDS[filter.field];
        if (column) {
          if (column.type === 'number' && typeof filter.value !== 'number') throw new InputError(`filters.${filter.field}`, 'must be a number');
          parts.push(`${column.sql} = ${p(filter.value)}${column.type === 'number' ? '::float8' : '::text'}`);
        } else parts.push(`(${META} -> ${p(filter.field)}) = ${p(JSON.stringify(filter.value))}::jsonb`);
        break;
      }
      case 'in': {
        const column = COLUMN_FIELDS[filter.field];
        if (column) {
          if (column.type === 'number' && filter.values.some((v) => typeof v !== 'number')) throw new InputError(`filters.${filter.field}`, 'values must be numbers');
          parts.push(`${column.sql} = ANY(${p(filter.values.map(String))}::${column.type === 'number' ? 'float8' : 'text'}[])`);
        } else parts.push(`(${META} -> ${p(filter.field)}) = ANY(${p(filter.values.map((v) => JSON.stringify(v)))}::jsonb[])`);
        break;
      }
      case 'range': {
        const bounds: Array<[string, number | string | undefined]> = [['>=', filter.gte], ['<=', filter.lte], ['>', filter.gt], ['<', filter.lt]];
        const kinds = new Set(bounds.filter(([, v]) => v !== undefined).map(([, v]) => typeof v));
        if (kinds.size > 1) throw new InputError(`filters.${filter.field}`, 'range bounds must all be numbers or all be dates');
        const numeric = kinds.has('number');
        const column = COLUMN_FIELDS[filter.field];
        if (column && column.type === 'number' && !numeric) throw new InputError(`filters.${filter.field}`, 'range bounds must be numbers');
        const target = column ? column.sql : `(${META} -> ${p(filter.field)})`;
        if (!column) parts.push(`jsonb_typeof(${target}) = '${numeric ? 'number' : 'string'}'`);
        for (const [op, value] of bounds) {
          if (value === undefined) continue;
          parts.push(column ? `${target} ${op} ${p(value)}::float8` : `${target} ${op} ${p(JSON.stringify(value))}::jsonb`);
        }
        break;
      }
    }
  }
  return { sql: parts.length ? parts.join(' AND ') : 'TRUE', params };
}

/**
 * Parses the CLI's `--filter EXPR` forms: `field=value`, `field>=n` (also <=, >, <), `source^=prefix`,
 * `heading~=text`, `tags:any=a,b`, `tags:all=a,b`, `field:in=a,b`. Numbers are recognised.
 */
export function parseFilterExpression(expression: string): Filter {
  const match = /^([A-Za-z_][A-Za-z0-9_.-]*)(?::(any|all|in))?\s*(\^=|~=|>=|<=|=|>|<)\s*(.+)$/.exec(expression.trim());
  if (!match) throw new InputError('--filter', `cannot parse "${expression}"; use field=value, field>=n, source^=prefix, heading~=text, tags:any=a,b or field:in=a,b`);
  const [, field, modifier, op, raw] = match;
  const value = (text: string): string | number => (/^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text);
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  let filter: unknown;
  if (op === '^=') filter = { field, op: 'prefix', value: raw };
  else if (op === '~=') filter = { field, op: 'contains', value: raw };
  else if (modifier === 'any' || modifier === 'all') filter = { field, op: modifier, values: list };
  else if (modifier === 'in') filter = { field, op: 'in', values: list.map(value) };
  else if (op === '=') filter = { field, op: 'eq', value: raw === 'true' ? true : raw === 'false' ? false : value(raw) };
  else filter = { field, op: 'range', [{ '>=': 'gte', '<=': 'lte', '>': 'gt', '<': 'lt' }[op]!]: value(raw) };
  return parseFilters([filter])[0];
}
