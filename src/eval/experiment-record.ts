import { z } from 'zod';
import { InputError } from '../errors.js';

/** Experiment ids: `EXP-YYYY-MM-DD-NNN`, NNN counting from 001 per UTC day. */
export const EXPERIMENT_ID_PATTERN = /^EXP-\d{4}-\d{2}-\d{2}-\d{3}$/;

/** Experiment verdicts. */
export const VERDICTS = ['promoted', 'archived', 'iterate'] as const;
export type Verdict = (typeof VERDICTS)[number];

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const meanWithCISchema = z.object({ mean: finite, lower: finite, upper: finite, n: z.number().int().nonnegative() });
const pairedSchema = z.object({
  n: z.number().int().positive(),
  meanA: finite,
  meanB: finite,
  meanDifference: finite,
  lower: finite,
  upper: finite,
  pValue: z.number().min(0).max(1),
  confidence: z.number().gt(0).lt(1),
});

/** What a caller records; the store adds id and createdAt. */
export const experimentInputSchema = z.object({
  tenant: z.string().min(1).default('default'),
  hypothesis: z.string().optional(),
  dataset: z.object({ kind: z.enum(['beir', 'golden', 'run']), path: z.string().min(1), split: z.string().optional(), hash: z.string().min(1) }),
  config: z.record(z.string(), z.unknown()),
  codeVersion: z.string().min(1),
  metrics: z.record(z.string(), meanWithCISchema),
  counts: z.record(z.string(), z.number()).default({}),
  baselineId: z.string().regex(EXPERIMENT_ID_PATTERN, 'must look like EXP-YYYY-MM-DD-NNN').optional(),
  comparison: z.record(z.string(), pairedSchema).optional(),
  verdict: z.enum(VERDICTS).default('iterate'),
  notes: z.string().optional(),
  perQuery: z.array(
    z.object({
      queryId: z.string().min(1),
      metrics: z.record(z.string(), finite),
      details: z.record(z.string(), z.unknown()).default({}),
    }),
  ),
  /** Defaults to now; its UTC date names the id. */
  createdAt: z.date().optional(),
});
export type ExperimentInput = z.input<typeof experimentInputSchema>;
export type ParsedExperimentInput = z.output<typeof experimentInputSchema>;

/** A stored experiment. */
export type ExperimentRecord = Omit<ParsedExperimentInput, 'createdAt'> & { id: string; createdAt: Date };

/** An experiment without its per-query results (for listings). */
export type ExperimentSummary = Omit<ExperimentRecord, 'perQuery'> & { queryCount: number };

/** Formats an experiment id from a date (UTC) and the day's sequence number. */
export function formatExperimentId(date: Date, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999) throw new InputError('sequence', `must be 1..999, got ${sequence}`);
  return `EXP-${date.toISOString().slice(0, 10)}-${String(sequence).padStart(3, '0')}`;
}

/** Validates an experiment id from user input. */
export function parseExperimentId(value: string, field = 'experiment id'): string {
  if (!EXPERIMENT_ID_PATTERN.test(value)) throw new InputError(field, `"${value}" does not look like EXP-YYYY-MM-DD-NNN`);
  return value;
}
