import { chiSquareTest } from '../classic-ml/drift/chi-square-test.js';
import { jensenShannonOfShares } from '../classic-ml/drift/jensen-shannon-divergence.js';
import { kolmogorovSmirnovTest } from '../classic-ml/drift/kolmogorov-smirnov-test.js';
import { populationStabilityIndex } from '../classic-ml/drift/population-stability-index.js';
import type { Queryable } from '../db/types.js';
import { driftResponse, SIGNAL_DRIFT_TYPE } from './drift-playbook.js';
import type { MonitorThresholds } from './monitor-options.js';
import type { DriftSignal, DriftSignalName } from './types.js';
import type { TelemetryScope } from './window-stats.js';

/** Terms compared by name in the term-drift test; the rest count as one category. */
export const TERM_CATEGORIES = 20;
const OTHER_TERMS = '(other terms)';

/** One sampled request's drift inputs. */
export interface DriftSampleRow {
  query_length: number | null;
  top_score: number | null;
  confidence: number | null;
  answerability: number | null;
  query_terms: string[] | null;
}

const NUMERIC_SIGNALS = ['query_length', 'top_score', 'confidence', 'answerability'] as const;

/** Oversampling so that LIMIT rarely leaves a sample short of `size`. */
const OVERSAMPLE = 1.5;

/**
 * Up to `size` requests of a scope, drawn at random: all of them when there are fewer. The
 * expected count comes from the rollups. A scope that is a small part of the table is read through
 * the time index, each row kept with probability size/expected; one that is most of it (a week's
 * reference) through TABLESAMPLE SYSTEM, which reads only the sampled share of the table's pages:
 * whichever reads fewer pages (index: expected/total of them; sample: OVERSAMPLE·size/expected).
 */
export async function sampleDriftRows(db: Queryable, scope: TelemetryScope, size: number, expectedRows: number): Promise<DriftSampleRow[]> {
  const params: unknown[] = [scope.from.toISOString(), scope.to.toISOString(), size];
  let where = 'created_at >= $1::timestamptz AND created_at < $2::timestamptz';
  if (scope.tenant !== null) {
    params.push(scope.tenant);
    where += ` AND tenant = $${params.length}`;
  }
  let from = 'telemetry';
  if (expectedRows > size) {
    const share = Math.min(1, (OVERSAMPLE * size) / expectedRows);
    const tableRows = (await db.query<{ rows: number }>("SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = 'telemetry'::regclass")).rows[0]?.rows ?? -1;
    if (tableRows > 0 && share < expectedRows / tableRows) {
      params.push(share * 100);
      from = `telemetry TABLESAMPLE SYSTEM ($${params.length}::float4)`;
    } else {
      params.push(share);
      where += ` AND random() < $${params.length}::float8`;
    }
  }
  const result = await db.query<DriftSampleRow>(
    `SELECT query_length, top_score::float8 AS top_score, confidence::float8 AS confidence, answerability::float8 AS answerability, query_terms
     FROM ${from} WHERE ${where} LIMIT $3`,
    params,
  );
  return result.rows;
}

/** Drift of every signal between a reference and a current sample, with the configured thresholds. */
export function driftSignals(reference: readonly DriftSampleRow[], current: readonly DriftSampleRow[], thresholds: MonitorThresholds): DriftSignal[] {
  const signals: DriftSignal[] = [];
  for (const signal of NUMERIC_SIGNALS) {
    const ref = numbers(reference, signal);
    const cur = numbers(current, signal);
    const base = { signal, type: SIGNAL_DRIFT_TYPE[signal], method: 'psi' as const, referenceSamples: ref.length, currentSamples: cur.length, thresholds: { warning: thresholds.psiWarning, critical: thresholds.psiCritical } };
    if (ref.length < thresholds.minSamples || cur.length < thresholds.minSamples) {
      signals.push({ ...base, status: 'insufficient-data', statistic: null });
      continue;
    }
    const psi = populationStabilityIndex(ref, cur);
    const ks = kolmogorovSmirnovTest(ref, cur);
    // The playbook: feature drift is critical past the second threshold; prediction drift warns.
    const severity = psi > thresholds.psiCritical && base.type === 'feature' ? 'critical' : psi > thresholds.psiWarning ? 'warning' : undefined;
    signals.push({
      ...base,
      status: severity ?? 'none',
      statistic: psi,
      ks: { statistic: ks.statistic, pValue: ks.pValue },
      ...(severity ? { response: driftResponse(signal, severity, 'psi') } : {}),
    });
  }
  signals.push(termDrift(reference, current, thresholds));
  return signals;
}

function numbers(rows: readonly DriftSampleRow[], signal: (typeof NUMERIC_SIGNALS)[number]): number[] {
  const values: number[] = [];
  for (const row of rows) {
    const value = row[signal];
    if (typeof value === 'number' && Number.isFinite(value)) values.push(value);
  }
  return values;
}

/**
 * Query-term drift: chi-square of term occurrences over the reference's most frequent terms plus
 * one category for the rest (the playbook's test for a categorical distribution), with the JS
 * divergence of the term shares as its size.
 */
function termDrift(reference: readonly DriftSampleRow[], current: readonly DriftSampleRow[], thresholds: MonitorThresholds): DriftSignal {
  const signal: DriftSignalName = 'query_terms';
  const refRows = reference.filter((row) => row.query_terms && row.query_terms.length > 0);
  const curRows = current.filter((row) => row.query_terms && row.query_terms.length > 0);
  const base = { signal, type: SIGNAL_DRIFT_TYPE[signal], method: 'chi2' as const, referenceSamples: refRows.length, currentSamples: curRows.length, thresholds: { warning: thresholds.alpha } };
  if (refRows.length < thresholds.minSamples || curRows.length < thresholds.minSamples) return { ...base, status: 'insufficient-data', statistic: null };
  const counts = new Map<string, number>();
  for (const row of refRows) for (const term of row.query_terms!) counts.set(term, (counts.get(term) ?? 0) + 1);
  const named = new Set([...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TERM_CATEGORIES).map(([term]) => term));
  const categories = (rows: readonly DriftSampleRow[]): string[] => rows.flatMap((row) => row.query_terms!.map((term) => (named.has(term) ? term : OTHER_TERMS)));
  const ref = categories(refRows);
  const cur = categories(curRows);
  const order = [...named, OTHER_TERMS];
  const shares = (values: string[]): number[] => {
    const tally = new Map<string, number>();
    for (const value of values) tally.set(value, (tally.get(value) ?? 0) + 1);
    return order.map((category) => (tally.get(category) ?? 0) / values.length);
  };
  const jsDivergence = jensenShannonOfShares(shares(ref), shares(cur));
  if (new Set([...ref, ...cur]).size < 2) return { ...base, status: 'none', statistic: 0, pValue: 1, jsDivergence };
  const test = chiSquareTest(ref, cur);
  const drifting = test.pValue < thresholds.alpha;
  return {
    ...base,
    status: drifting ? 'warning' : 'none',
    statistic: test.statistic,
    pValue: test.pValue,
    jsDivergence,
    ...(drifting ? { response: driftResponse(signal, 'warning', 'chi2') } : {}),
  };
}
