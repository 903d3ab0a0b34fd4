import { InputError } from '../../errors.js';
import { correlationRatio, cramersV, pearson } from '../core/association.js';
import { asNumber, asTime, columnNames, isMissing, type Row } from '../core/table.js';

/** Methodology: each dimension 0-5, total out of 30; below 18, fix data first, don't build models. */
export const QUALITY_PROCEED_THRESHOLD = 18;
/** Targets with at most this many distinct values are treated as classes (volume counts per class). */
export const MAX_CLASSES = 20;
const DAY_MS = 86_400_000;

// Each ladder lists, from 5 down to 1, the bound a value must meet; failing them all scores 0.
// The ends are the methodology's anchors; the steps between are ours, on round numbers.
/** Missing share of cells: < 1% scores 5 (methodology), > 50% scores 0 (methodology). */
const COMPLETENESS_LADDER = [0.01, 0.05, 0.1, 0.25];
const COMPLETENESS_FLOOR = 0.5;
/** Share of rows that break a declared rule: none scores 5; from 4 down, below each bound. */
const ACCURACY_LADDER = [0.01, 0.05, 0.1, 0.25];
/** Age of the newest record in days: daily refresh scores 5, months stale scores 0 (methodology). */
const TIMELINESS_LADDER = [1, 7, 30, 90, 180];
/** Strongest feature-target association; 0.1 / 0.3 / 0.5 are Cohen's (1988) small / medium / large effects. */
const RELEVANCE_LADDER = [0.5, 0.3, 0.2, 0.1, 0.05];
/** Samples per class (or rows for regression): > 10,000 scores 5, < 100 scores 0 (methodology). */
const VOLUME_LADDER = [10_001, 5_000, 1_000, 500, 100];

function below(value: number, ladder: readonly number[], inclusive = false): number {
  for (let k = 0; k < ladder.length; k++) if (inclusive ? value <= ladder[k] : value < ladder[k]) return 5 - k;
  return 0;
}
function atLeast(value: number, ladder: readonly number[]): number {
  for (let k = 0; k < ladder.length; k++) if (value >= ladder[k]) return 5 - k;
  return 0;
}

/** A declared validation rule for the accuracy dimension. */
export type QualityRule =
  | { column: string; kind: 'range'; min?: number; max?: number }
  | { column: string; kind: 'pattern'; pattern: string }
  | { column: string; kind: 'oneOf'; values: (string | number | boolean)[] }
  | { column: string; kind: 'required' };

/** Options of a data-quality assessment. */
export interface DataQualityOptions {
  target?: string;
  timestampColumn?: string;
  /** Reference time for timeliness (ISO); defaults to the current time. */
  now?: string;
  rules?: QualityRule[];
  task?: 'classification' | 'regression';
}

/** Scores per dimension, the total out of 30 and the proceed gate. */
export interface DataQualityReport {
  scores: { completeness: number; accuracy: number; consistency: number; timeliness: number; relevance: number; volume: number };
  total: number;
  proceed: boolean;
  details: {
    rows: number;
    missingShare: number;
    missingByColumn: Record<string, number>;
    emptyColumns: string[];
    ruleViolations: Record<string, number>;
    duplicateRows: number;
    mixedFormatColumns: string[];
    newestRecord: string | null;
    ageDays: number | null;
    associations: Record<string, number>;
    classCounts: Record<string, number> | null;
  };
  notes: string[];
}

function breaks(rule: QualityRule, value: unknown): boolean {
  const text = String(value);
  if (rule.kind === 'required') return isMissing(value);
  if (isMissing(value)) return false;
  if (rule.kind === 'range') {
    const n = asNumber(value);
    return n === undefined || (rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max);
  }
  if (rule.kind === 'pattern') return !new RegExp(rule.pattern).test(text);
  return !rule.values.map(String).includes(text);
}

function formatShape(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}/.test(value.trim()) ? value.trim().replace(/\d/g, '9') : undefined;
}

/**
 * Scores a table on the methodology's six data-quality dimensions (0-5 each). Without rules, a
 * timestamp column or a target, accuracy, timeliness and relevance score 0 ("no validation").
 */
export function assessDataQuality(rows: Row[], options: DataQualityOptions = {}): DataQualityReport {
  if (rows.length === 0) throw new InputError('rows', 'has no rows');
  const columns = columnNames(rows);
  const notes: string[] = [];
  const n = rows.length;
  // Completeness.
  const missingByColumn: Record<string, number> = {};
  let missingCells = 0;
  for (const column of columns) {
    const missing = rows.filter((row) => isMissing(row[column])).length;
    missingByColumn[column] = missing / n;
    missingCells += missing;
  }
  const emptyColumns = columns.filter((c) => missingByColumn[c] === 1);
  if (emptyColumns.length) notes.push(`empty columns: ${emptyColumns.join(', ')}`);
  const missingShare = missingCells / (n * columns.length);
  // Accuracy.
  const ruleViolations: Record<string, number> = {};
  let accuracy = 0;
  const rules: QualityRule[] = options.rules ?? [];
  if (rules.length > 0) {
    rules.forEach((rule, k) => {
      if (!columns.includes(rule.column)) throw new InputError(`rules[${k}].column`, `no column named ${rule.column}`);
      if (rule.kind === 'pattern') {
        try { new RegExp(rule.pattern); } catch { throw new InputError(`rules[${k}].pattern`, `is not a valid regular expression`); }
      }
    });
    let badRows = 0;
    for (const row of rows) {
      let bad = false;
      for (const rule of rules) {
        if (breaks(rule, row[rule.column])) {
          const key = `${rule.column}:${rule.kind}`;
          ruleViolations[key] = (ruleViolations[key] ?? 0) + 1;
          bad = true;
        }
      }
      if (bad) badRows++;
    }
    accuracy = badRows === 0 ? 5 : Math.max(0, below(badRows / n, ACCURACY_LADDER) - 1);
  } else {
    notes.push('accuracy: no validation rules declared, scored 0 ("no validation")');
  }
  // Consistency: duplicate rows and columns mixing formats.
  const seen = new Set<string>();
  let duplicateRows = 0;
  for (const row of rows) {
    const key = JSON.stringify(columns.map((c) => row[c] ?? null));
    if (seen.has(key)) duplicateRows++;
    else seen.add(key);
  }
  const mixedFormatColumns = columns.filter((column) => {
    const present = rows.map((row) => row[column]).filter((v) => !isMissing(v));
    const numeric = present.filter((v) => asNumber(v) !== undefined).length;
    if (numeric > 0 && numeric < present.length) return true;
    return new Set(present.map(formatShape).filter((s) => s !== undefined)).size > 1;
  });
  const duplicateShare = duplicateRows / n;
  const duplicatePenalty = duplicateRows === 0 ? 0 : duplicateShare < 0.01 ? 1 : duplicateShare < 0.05 ? 2 : 3;
  const consistency = Math.max(0, 5 - duplicatePenalty - Math.min(3, mixedFormatColumns.length));
  // Timeliness.
  let timeliness = 0;
  let newestRecord: string | null = null;
  let ageDays: number | null = null;
  if (options.timestampColumn) {
    const column = options.timestampColumn;
    if (!columns.includes(column)) throw new InputError('timestampColumn', `no column named ${column}`);
    let newest = -Infinity;
    rows.forEach((row, i) => {
      if (isMissing(row[column])) return;
      const t = asTime(row[column]);
      if (t === undefined) throw new InputError(`rows.${column}`, `row ${i} is ${JSON.stringify(row[column])}, expected an ISO date or epoch milliseconds`);
      newest = Math.max(newest, t);
    });
    if (newest === -Infinity) throw new InputError(`rows.${column}`, 'is empty; timeliness needs timestamps');
    const now = options.now === undefined ? Date.now() : Date.parse(options.now);
    if (Number.isNaN(now)) throw new InputError('now', `is ${JSON.stringify(options.now)}, expected an ISO date`);
    newestRecord = new Date(newest).toISOString();
    ageDays = Math.max(0, (now - newest) / DAY_MS);
    timeliness = below(ageDays, TIMELINESS_LADDER, true);
  } else {
    notes.push('timeliness: no timestampColumn given, scored 0');
  }
  // Relevance and volume.
  const associations: Record<string, number> = {};
  let relevance = 0;
  let classCounts: Record<string, number> | null = null;
  let volume: number;
  if (options.target) {
    const target = options.target;
    if (!columns.includes(target)) throw new InputError('target', `no column named ${target}`);
    const labelled = rows.filter((row) => !isMissing(row[target]));
    if (labelled.length === 0) throw new InputError(`rows.${target}`, 'is empty; the target column has no values');
    const targetNumbers = labelled.map((row) => asNumber(row[target]));
    const numericTarget = targetNumbers.every((v) => v !== undefined);
    const distinct = new Set(labelled.map((row) => String(row[target]))).size;
    const task = options.task ?? (numericTarget && distinct > MAX_CLASSES ? 'regression' : 'classification');
    if (task === 'classification') {
      classCounts = {};
      for (const row of labelled) classCounts[String(row[target])] = (classCounts[String(row[target])] ?? 0) + 1;
      if (distinct < 2) notes.push(`target ${target} has a single class`);
      volume = atLeast(distinct < 2 ? 0 : Math.min(...Object.values(classCounts)), VOLUME_LADDER);
    } else {
      if (!numericTarget) throw new InputError(`rows.${target}`, 'task is regression but the target has non-numeric values');
      volume = atLeast(labelled.length, VOLUME_LADDER);
    }
    const binaryOrNumeric = numericTarget && (task === 'regression' || distinct <= 2);
    for (const column of columns) {
      if (column === target || column === options.timestampColumn) continue;
      const pairs = labelled.filter((row) => !isMissing(row[column]));
      if (pairs.length < 3) continue;
      const xs = pairs.map((row) => asNumber(row[column]));
      const numericFeature = xs.every((v) => v !== undefined);
      const ys = pairs.map((row) => row[target]);
      let a: number;
      if (numericFeature && binaryOrNumeric) a = Math.abs(pearson(xs as number[], ys.map((v) => asNumber(v) as number)));
      else if (numericFeature) a = correlationRatio(ys.map(String), xs as number[]);
      else if (binaryOrNumeric) a = correlationRatio(pairs.map((row) => String(row[column])), ys.map((v) => asNumber(v) as number));
      else a = cramersV(pairs.map((row) => String(row[column])), ys.map(String));
      associations[column] = a;
    }
    const best = Math.max(0, ...Object.values(associations));
    relevance = atLeast(best, RELEVANCE_LADDER);
    if (best >= 0.95) notes.push('a feature is almost perfectly associated with the target: check for leakage (leakage-check tool)');
  } else {
    volume = atLeast(n, VOLUME_LADDER);
    notes.push('relevance: no target given, scored 0; volume counts all rows');
  }
  const completeness = below(missingShare, COMPLETENESS_LADDER) || (missingShare <= COMPLETENESS_FLOOR ? 1 : 0);
  const scores = { completeness, accuracy, consistency, timeliness, relevance, volume };
  const total = completeness + accuracy + consistency + timeliness + relevance + volume;
  return {
    scores,
    total,
    proceed: total >= QUALITY_PROCEED_THRESHOLD,
    details: { rows: n, missingShare, missingByColumn, emptyColumns, ruleViolations, duplicateRows, mixedFormatColumns, newestRecord, ageDays, associations, classCounts },
    notes,
  };
}
