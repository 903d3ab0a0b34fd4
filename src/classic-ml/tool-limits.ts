import { InputError } from '../errors.js';
import type { Tool } from './tool.js';

/*
 * Input-size caps of the expensive tools, sized so one run fits a 2-core machine: each cap is a
 * few seconds of one core at most, well inside the 60 s request timeout. Timings are from the
 * 2-core dev machine (Node 20, one run at a time, random data) on 2026-12-07; the run time grows
 * linearly in each capped quantity unless said otherwise. Re-measured at the caps in a worker
 * (compiled, both cores shared with other jobs, load average ~19): gradient boosting on 250,000
 * cells x 200 trees 8.7 s at depth 6 and 7.3 s at depth 12; an isolation forest on 5,000 rows x
 * 1,000 trees 8.7 s.
 */

/** Rows × features of X (train, predict, anomalies). 5,000 × 40: logistic regression 350 ms, linear 100 ms. */
export const MAX_MATRIX_CELLS = 250_000;
/** Trees of gradient boosting and isolation forests. */
export const MAX_ESTIMATORS = 1_000;
/** Gradient-boosting depth. Per tree at 5,000 × 40: 14 ms at depth 6, 34 ms at 12, 49 ms at 16. */
export const MAX_TREE_DEPTH = 12;
/** Gradient boosting's rows × features × trees: 20M took 1.4 s at depth 6, so this is ~3.6 s there and ~8.5 s at depth 12. */
export const MAX_BOOSTING_WORK = 50_000_000;
/** Isolation forest's rows × trees (scoring every row on every tree dominates): 5,000 × 1,000 took 4.0 s. */
export const MAX_FOREST_ROW_TREES = 5_000_000;
/** Predict's rows × trees of the model (a walk of at most MAX_TREE_DEPTH nodes each). */
export const MAX_PREDICT_ROW_TREES = 20_000_000;
/** Linear regression's features: the normal equations cost features³; 1,000 took 0.95 s, 2,000 would take ~8 s. */
export const MAX_LINEAR_FEATURES = 1_000;
/** Rows of one table (data-quality, leakage-check, features): 20,000 × 5 columns took 0.3 s for data-quality. */
export const MAX_TABLE_ROWS = 100_000;
/** Rows × columns of a tool's tables together (data-quality, leakage-check, features): ~3 s for data-quality. */
export const MAX_TABLE_CELLS = 1_000_000;
/** Rows × steps of the features tool: 20,000 rows × 2 steps took 0.6 s, so ~8 s at the cap. */
export const MAX_FEATURE_ROW_STEPS = 500_000;
/**
 * Cells TF-IDF steps add (rows × maxFeatures): each is a property of a row object, in memory and
 * in the response. 5,000 rows × 400 features (2M cells) took 6.4 s in a worker and answered 39 MB
 * of JSON; at this cap, about a quarter of both.
 */
export const MAX_TFIDF_CELLS = 500_000;
/** Values of each drift sample: 200,000 against 200,000 took 0.6 s (KS) and 1.0 s (PSI). */
export const MAX_DRIFT_VALUES = 200_000;
/** Labels of the metric and fairness tools: fairness on 100,000 took 0.2 s. */
export const MAX_LABELS = 200_000;
/** Bootstrap iterations × labels: classification metrics took 2.2 s for 200 × 10,000 (three statistics), so ~5.5 s at the cap. */
export const MAX_BOOTSTRAP_WORK = 5_000_000;

/** Wall time of one run before its worker is stopped: the service's default request timeout. */
export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;
/**
 * V8 old generation of a tool worker (MiB), `resourceLimits.maxOldGenerationSizeMb`. Runs at the
 * caps stay well below it: gradient boosting on 200,000 cells used ~24 MB of heap; TF-IDF, the
 * hungriest (row objects plus the copy sent back), ran 2M cells, 4x its cap, inside 512 MiB, while
 * 16 MiB is too little for 500,000 (test/server/tools-pool.test.ts).
 */
export const DEFAULT_TOOL_MEMORY_MB = 512;
/** Runs that may wait per worker when all are busy; past that the pool refuses (503 Retry-After). */
export const DEFAULT_TOOL_QUEUE_PER_WORKER = 2;

/** A tool with input-size caps, checked on validated input before a run is queued. */
export type LimitedTool<I = unknown, O = unknown> = Tool<I, O> & {
  /** The caps by name, as documented (`groundwork tool list --json` prints them). */
  readonly limits: Readonly<Record<string, number>>;
  /** Throws InputError naming the field, its size and the cap. */
  checkLimits(input: I): void;
};

/** Adds caps to a tool. */
export function withLimits<I, O>(tool: Tool<I, O>, limits: Record<string, number>, checkLimits: (input: I) => void): LimitedTool<I, O> {
  return { ...tool, limits: Object.freeze({ ...limits }), checkLimits };
}

/** The tool's caps, or none. */
export function toolLimits(tool: Tool): Readonly<Record<string, number>> {
  return (tool as Partial<LimitedTool>).limits ?? {};
}

/** Checks schema-validated input against the tool's caps (a no-op for tools without caps). */
export function checkToolLimits(tool: Tool, input: unknown): void {
  (tool as Partial<LimitedTool>).checkLimits?.(input);
}

/**
 * Throws InputError when `value` is over `limit`, naming the field, the size (and what it is the
 * product of, when it is one) and the cap.
 * @example requireAtMost('X', 5000 * 60, MAX_MATRIX_CELLS, 'cells', '5000 rows x 60 features') // X: 5000 rows x 60 features = 300,000 cells, over the limit of 250,000 cells per run
 */
export function requireAtMost(field: string, value: number, limit: number, unit: string, what?: string): void {
  if (value <= limit) return;
  throw new InputError(field, `${what ? `${what} = ` : ''}${format(value)} ${unit}, over the limit of ${format(limit)} ${unit} per run`, { value, limit });
}

/** rows × columns of a numeric matrix (columns of the first row; the tools check the rest). */
export function matrixCells(rows: readonly (readonly unknown[])[]): { rows: number; columns: number; cells: number } {
  const columns = rows[0]?.length ?? 0;
  return { rows: rows.length, columns, cells: rows.length * columns };
}

/** Rows × the number of distinct keys in the first rows of a table given as row objects. */
export function tableCells(rows: readonly Record<string, unknown>[]): number {
  const keys = new Set<string>();
  for (const row of rows.slice(0, 100)) for (const key of Object.keys(row)) keys.add(key);
  return rows.length * Math.max(1, keys.size);
}

function format(value: number): string {
  return value.toLocaleString('en-US');
}
