import { InputError } from '../../errors.js';
import { pearson } from '../core/association.js';
import { asNumber, asTime, columnNames, isMissing, type Row } from '../core/table.js';
import { rocAuc } from '../metrics/ranking-scores.js';

/**
 * A single feature that separates the classes this well (AUC ≥ 0.95) or correlates this strongly
 * with a numeric target (|r| ≥ 0.95) is the classic target-leak signature (Kaufman et al. 2012,
 * "Leakage in data mining"); it is flagged for a human to confirm.
 */
export const SUSPICIOUS_ASSOCIATION = 0.95;
/** Relative tolerance when matching declared scaler statistics to computed ones. */
const STAT_TOLERANCE = 1e-6;

/** One leakage finding. */
export interface LeakFinding {
  check: 'duplicate-rows' | 'shared-ids' | 'temporal-order' | 'predictive-feature' | 'preprocessing-fit' | 'scaler-fit';
  severity: 'critical' | 'warning';
  column?: string;
  message: string;
}

/** Input of a leakage check. */
export interface LeakageInput {
  train: Row[];
  test: Row[];
  target: string;
  idColumn?: string;
  timeColumn?: string;
  /** Declared preprocessing steps and the data each was fit on. */
  preprocessing?: { name: string; fitOn: 'train' | 'test' | 'all' | 'train+test' }[];
  /** Fitted scaler statistics to verify against train-only and all-data statistics. */
  scalers?: { column: string; mean: number; std: number }[];
}

function stats(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length) };
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= STAT_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Checks a train/test split for the methodology's leakage list: duplicates across the split, the same
 * entity on both sides, test rows older than train rows, features suspiciously predictive of the
 * target, and scalers/encoders fit on data other than train.
 */
export function leakageCheck(input: LeakageInput): { passed: boolean; findings: LeakFinding[] } {
  const { train, test, target } = input;
  if (train.length < 2) throw new InputError('train', `has ${train.length} rows, needs at least 2`);
  if (test.length < 1) throw new InputError('test', 'has no rows');
  const columns = columnNames(train);
  if (!columns.includes(target)) throw new InputError('target', `no column named ${target} in train`);
  const findings: LeakFinding[] = [];
  const features = columns.filter((c) => c !== target && c !== input.idColumn);
  const key = (row: Row) => JSON.stringify(features.map((c) => row[c] ?? null));
  const trainKeys = new Set(train.map(key));
  const duplicates = test.filter((row) => trainKeys.has(key(row))).length;
  if (duplicates > 0) findings.push({ check: 'duplicate-rows', severity: 'critical', message: `${duplicates} test rows duplicate a train row (remove duplicates before splitting)` });
  if (input.idColumn) {
    const id = input.idColumn;
    if (!columns.includes(id)) throw new InputError('idColumn', `no column named ${id} in train`);
    const trainIds = new Set(train.map((row) => String(row[id])));
    const shared = [...new Set(test.map((row) => String(row[id])).filter((v) => trainIds.has(v)))];
    if (shared.length > 0) findings.push({ check: 'shared-ids', severity: 'critical', column: id, message: `${shared.length} entities appear in both train and test, e.g. ${shared.slice(0, 3).join(', ')}` });
  }
  if (input.timeColumn) {
    const column = input.timeColumn;
    const times = (rows: Row[], table: string) => rows.map((row, i) => {
      const t = asTime(row[column]);
      if (t === undefined) throw new InputError(`${table}.${column}`, `row ${i} is ${JSON.stringify(row[column])}, expected an ISO date or epoch milliseconds`);
      return t;
    });
    const latestTrain = Math.max(...times(train, 'train'));
    const early = times(test, 'test').filter((t) => t < latestTrain).length;
    if (early > 0) findings.push({ check: 'temporal-order', severity: 'critical', column, message: `${early} test rows are older than the newest train row (${new Date(latestTrain).toISOString()}); use a temporal split` });
  }
  const labelled = train.filter((row) => !isMissing(row[target]));
  const targetValues = labelled.map((row) => asNumber(row[target]));
  if (targetValues.every((v) => v !== undefined)) {
    const y = targetValues as number[];
    const binary = y.every((v) => v === 0 || v === 1) && new Set(y).size === 2;
    for (const column of features) {
      if (column === input.timeColumn) continue;
      const xs = labelled.map((row) => asNumber(row[column]));
      if (!xs.every((v) => v !== undefined) || new Set(xs).size < 2) continue;
      const x = xs as number[];
      const strength = binary ? Math.max(rocAuc(y as (0 | 1)[], x), 1 - rocAuc(y as (0 | 1)[], x)) : Math.abs(pearson(x, y));
      if (strength >= SUSPICIOUS_ASSOCIATION) {
        findings.push({ check: 'predictive-feature', severity: 'warning', column, message: `${column} alone ${binary ? `reaches AUC ${strength.toFixed(3)}` : `correlates at |r| = ${strength.toFixed(3)}`} with ${target}: is it derived from the target or from the future?` });
      }
    }
  }
  for (const step of input.preprocessing ?? []) {
    if (step.fitOn !== 'train') findings.push({ check: 'preprocessing-fit', severity: 'critical', message: `${step.name} was fit on ${step.fitOn}; fit on train only, then apply to validation/test` });
  }
  for (const [k, scaler] of (input.scalers ?? []).entries()) {
    if (!columns.includes(scaler.column)) throw new InputError(`scalers[${k}].column`, `no column named ${scaler.column} in train`);
    const trainStats = stats(train.map((row, i) => {
      const v = asNumber(row[scaler.column]);
      if (v === undefined) throw new InputError(`train.${scaler.column}`, `row ${i} is not a number`);
      return v;
    }));
    if (close(trainStats.mean, scaler.mean) && close(trainStats.std, scaler.std)) continue;
    const all = stats([...train, ...test].map((row) => asNumber(row[scaler.column]) ?? 0));
    const fitOnAll = close(all.mean, scaler.mean) && close(all.std, scaler.std);
    findings.push({
      check: 'scaler-fit',
      severity: fitOnAll ? 'critical' : 'warning',
      column: scaler.column,
      message: fitOnAll
        ? `scaler for ${scaler.column} matches train+test statistics (mean ${all.mean.toPrecision(6)}): it was fit on test data`
        : `scaler for ${scaler.column} (mean ${scaler.mean}, std ${scaler.std}) does not match train statistics (mean ${trainStats.mean.toPrecision(6)}, std ${trainStats.std.toPrecision(6)})`,
    });
  }
  return { passed: !findings.some((f) => f.severity === 'critical'), findings };
}
