import { z } from 'zod';
import { InputError } from '../../errors.js';
import { readTable } from '../core/table.js';
import { fittedStepSchema } from '../features/feature-steps.js';
import { applyFeatures, fitFeatures } from '../features/feature-pipeline.js';
import { assessDataQuality } from '../phases/data-quality.js';
import { leakageCheck } from '../phases/leakage-check.js';
import { defineTool } from '../tool.js';
import { MAX_FEATURE_ROW_STEPS, MAX_TABLE_CELLS, MAX_TABLE_ROWS, MAX_TFIDF_CELLS, requireAtMost, tableCells, withLimits } from '../tool-limits.js';

const rows = z.array(z.record(z.string(), z.unknown()));
const score = z.number().int().min(0).max(5);
const rule = z.discriminatedUnion('kind', [
  z.object({ column: z.string(), kind: z.literal('range'), min: z.number().optional(), max: z.number().optional() }),
  z.object({ column: z.string(), kind: z.literal('pattern'), pattern: z.string() }),
  z.object({ column: z.string(), kind: z.literal('oneOf'), values: z.array(z.union([z.string(), z.number(), z.boolean()])) }),
  z.object({ column: z.string(), kind: z.literal('required') }),
]);

/** TF-IDF's default vocabulary size (featureStepSchema's maxFeatures default). */
const DEFAULT_TFIDF_FEATURES = 100;

/** Caps on the row tables of a tool: rows of each, and rows × columns of all together. */
function checkTables(tables: Array<[field: string, rows: Record<string, unknown>[] | undefined]>): void {
  let cells = 0;
  for (const [field, rows] of tables) {
    if (!rows) continue;
    requireAtMost(field, rows.length, MAX_TABLE_ROWS, 'rows');
    cells += tableCells(rows);
    requireAtMost(field, cells, MAX_TABLE_CELLS, 'cells', 'rows x columns of the tables');
  }
}

/** Rows of a csv text: its line breaks, counted without splitting the text. */
function csvLines(csv: string): number {
  let lines = 0;
  for (let at = csv.indexOf('\n'); at >= 0; at = csv.indexOf('\n', at + 1)) lines += 1;
  return lines;
}

/** The methodology's data-quality score of a table (six dimensions, total out of 30, proceed at 18). */
export const dataQualityTool = withLimits(defineTool({
  name: 'data-quality',
  description: `Score a table (rows as JSON objects, or csv text with a header) 0-5 on completeness, accuracy (declared rules), consistency (duplicates, mixed formats), timeliness (age of newest record), relevance (association with target) and volume (per class); total out of 30, proceed when >= 18. Limits per run: ${MAX_TABLE_ROWS} rows, ${MAX_TABLE_CELLS} cells (rows x columns).`,
  inputSchema: z.object({
    rows: rows.optional(),
    csv: z.string().optional(),
    target: z.string().optional(),
    timestampColumn: z.string().optional(),
    now: z.string().optional(),
    rules: z.array(rule).optional(),
    task: z.enum(['classification', 'regression']).optional(),
  }),
  outputSchema: z.object({
    scores: z.object({ completeness: score, accuracy: score, consistency: score, timeliness: score, relevance: score, volume: score }),
    total: z.number().int().min(0).max(30),
    proceed: z.boolean(),
    details: z.record(z.string(), z.unknown()),
    notes: z.array(z.string()),
  }),
  run(input) {
    if ((input.rows === undefined) === (input.csv === undefined)) throw new InputError('rows', 'give exactly one of rows or csv');
    const table = readTable(input.rows !== undefined ? { rows: input.rows } : { csv: input.csv as string });
    return assessDataQuality(table, input);
  },
}), { MAX_TABLE_ROWS, MAX_TABLE_CELLS }, (input) => {
  checkTables([['rows', input.rows]]);
  if (input.csv !== undefined) {
    const rows = csvLines(input.csv);
    requireAtMost('csv', rows, MAX_TABLE_ROWS, 'lines');
    const columns = (input.csv.slice(0, input.csv.indexOf('\n') >>> 0).match(/,/g)?.length ?? 0) + 1;
    requireAtMost('csv', rows * columns, MAX_TABLE_CELLS, 'cells', `${rows} lines x ${columns} columns`);
  }
});

/** Leakage checks across a train/test split. */
export const leakageCheckTool = withLimits(defineTool({
  name: 'leakage-check',
  description: `Leakage across a split: duplicate rows and shared entity ids between train and test, test rows older than train rows, single features suspiciously predictive of the target (AUC or |r| >= 0.95), preprocessing fit on data other than train (declared, or detected from scaler statistics). Limits per run: ${MAX_TABLE_ROWS} rows per table, ${MAX_TABLE_CELLS} cells (rows x columns) in train and test together.`,
  inputSchema: z.object({
    train: rows,
    test: rows,
    target: z.string(),
    idColumn: z.string().optional(),
    timeColumn: z.string().optional(),
    preprocessing: z.array(z.object({ name: z.string(), fitOn: z.enum(['train', 'test', 'all', 'train+test']) })).optional(),
    scalers: z.array(z.object({ column: z.string(), mean: z.number(), std: z.number() })).optional(),
  }),
  outputSchema: z.object({
    passed: z.boolean(),
    findings: z.array(z.object({ check: z.string(), severity: z.enum(['critical', 'warning']), column: z.string().optional(), message: z.string() })),
  }),
  run: (input) => leakageCheck(input),
}), { MAX_TABLE_ROWS, MAX_TABLE_CELLS }, (input) => checkTables([['train', input.train], ['test', input.test]]));

/** Feature engineering fit on train and applied to other rows. */
export const featuresTool = withLimits(defineTool({
  name: 'features',
  description: `Feature engineering fit on train, applied to other rows: log, standardize, bin, one-hot (< 20 categories), K-fold target encoding, cyclical sin/cos, lags, rolling statistics (previous rows only), TF-IDF. Give train + steps to fit (returns fitted), or fitted + apply to reuse a fit. Limits per run: ${MAX_TABLE_ROWS} rows per table, ${MAX_TABLE_CELLS} cells in train and apply together, ${MAX_FEATURE_ROW_STEPS} rows x steps, ${MAX_TFIDF_CELLS} rows x TF-IDF maxFeatures.`,
  inputSchema: z.object({
    train: rows.optional(),
    steps: z.array(z.unknown()).optional(),
    fitted: z.array(fittedStepSchema).optional(),
    apply: rows.optional(),
  }),
  outputSchema: z.object({ fitted: z.array(fittedStepSchema), train: rows.optional(), applied: rows.optional() }),
  run(input) {
    if (input.fitted) {
      if (input.train || input.steps) throw new InputError('fitted', 'give either train + steps (to fit) or fitted + apply, not both');
      if (!input.apply) throw new InputError('apply', 'is required with fitted');
      return { fitted: input.fitted, applied: applyFeatures(input.fitted, input.apply, 'apply') };
    }
    if (!input.train || !input.steps?.length) throw new InputError('train', 'train and a non-empty steps list are required to fit features');
    const { fitted, rows: train } = fitFeatures(input.train, input.steps);
    return { fitted, train, ...(input.apply ? { applied: applyFeatures(fitted, input.apply, 'apply') } : {}) };
  },
}), { MAX_TABLE_ROWS, MAX_TABLE_CELLS, MAX_FEATURE_ROW_STEPS, MAX_TFIDF_CELLS }, (input) => {
  checkTables([['train', input.train], ['apply', input.apply]]);
  const rows = (input.train?.length ?? 0) + (input.apply?.length ?? 0);
  const steps = input.steps ?? input.fitted ?? [];
  requireAtMost('steps', rows * steps.length, MAX_FEATURE_ROW_STEPS, 'row-steps', `${rows} rows x ${steps.length} steps`);
  const tfidfFeatures = (input.steps ?? [])
    .map((step) => step as { kind?: unknown; maxFeatures?: unknown })
    .filter((step) => step?.kind === 'tfidf')
    .reduce((sum, step) => sum + (typeof step.maxFeatures === 'number' ? step.maxFeatures : DEFAULT_TFIDF_FEATURES), 0);
  requireAtMost('steps', rows * tfidfFeatures, MAX_TFIDF_CELLS, 'cells', `${rows} rows x ${tfidfFeatures} TF-IDF features`);
});
