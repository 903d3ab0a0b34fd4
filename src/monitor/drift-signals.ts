import { chiSquareTest } from '../classic-ml/drift/chi-square-test.js';
import { jensenShannonOfShares } from '../classic-ml/drift/jensen-shannon-divergence.js';
import { kolmogorovSmirnovTest } from '../classic-ml/drift/kolmogorov-smirnov-test.js';
import { populationStabilityIndex } from '../classic-ml/drift/population-stability-index.js';
import type { Queryable } from '../db/types.js';
import { driftResponse, SIGNAL_DRIFT_TYPE } from './drift-playbook.js';
import { embeddingDrift, type EmbeddingSampleRow, type QueryEmbedderState } from './embedding-drift.js';
import type { MonitorThresholds } from './monitor-options.js';
import type { DriftSignal, DriftSignalName } from './types.js';
import { hourIndex, splitSettledHours, type MonitorCache } from './monitor-cache.js';
import type { TelemetryScope } from './window-stats.js';

/** Terms compared by name in the term-drift test; the rest count as one category. */
export const TERM_CATEGORIES = 20;
const OTHER_TERMS = '(other terms)';

/** One sampled request's drift inputs. */
export interface DriftSampleRow extends EmbeddingSampleRow {
  query_length: number | null;
  top_score: number | null;
  confidence: number | null;
  answerability: number | null;
  query_terms: string[] | null;
}

const NUMERIC_SIGNALS = ['query_length', 'top_score', 'confidence', 'answerability'] as const;

/** Oversampling so that LIMIT rarely leaves a sample short of `size`. */
const OVERSAMPLE = 1.5;

const SAMPLE_COLUMNS = `query_length, top_score::float8 AS top_score, confidence::float8 AS confidence, answerability::float8 AS answerability, query_terms,
  query_embedder, query_projection::text AS query_projection`;

/** WHERE clause and parameters for a scope over the telemetry table (created_at), parameters from `$first`. */
function telemetryWhere(scope: TelemetryScope, params: unknown[]): string {
  params.push(scope.from.toISOString(), scope.to.toISOString());
  let where = `created_at >= $${params.length - 1}::timestamptz AND created_at < $${params.length}::timestamptz`;
  if (scope.tenant !== null) {
    params.push(scope.tenant);
    where += ` AND tenant = $${params.length}`;
  }
  return where;
}

/**
 * Up to `size` requests of a scope, drawn at random: all of them when there are fewer. The
 * expected count comes from the rollups. With a cache (the report's), each settled hour is
 * sampled once at a rate rounded up to a power of two (so the next report, whose window moved a
 * minute, finds the same rate and reuses the hour) and kept; the partial hours at the edges are
 * sampled each time at the same rate; the union is cut to `size` at random. Without one, see
 * sampleScope.
 */
export async function sampleDriftRows(db: Queryable, scope: TelemetryScope, size: number, expectedRows: number, cache?: MonitorCache, now = new Date()): Promise<DriftSampleRow[]> {
  if (!cache) return sampleScope(db, scope, size, expectedRows);
  const rate = expectedRows > size ? 2 ** Math.ceil(Math.log2((OVERSAMPLE * size) / expectedRows)) : 1;
  const split = splitSettledHours(scope.from, scope.to, now);
  const key = (hour: Date) => `sample|${scope.tenant ?? '*'}|${hourIndex(hour)}|${rate}`;
  // The cached hours are taken first: storing the missing ones may evict some of them.
  const known = new Map(split.hours.map((hour) => [hourIndex(hour), cache.get<DriftSampleRow[]>(key(hour))]));
  const missing = split.hours.filter((hour) => known.get(hourIndex(hour)) === undefined);
  // A first report reads most hours of its windows: where that span is a large part of the table,
  // TABLESAMPLE SYSTEM at the rate reads the rate's share of the pages instead of every row of the span.
  const tableRows = missing.length > 0 && rate < 1 ? await estimatedTableRows(db) : -1;
  const read = async (range: TelemetryScope, byHour: boolean): Promise<Array<DriftSampleRow & { hour: number }>> => {
    const params: unknown[] = [];
    let where = telemetryWhere(range, params);
    let from = 'telemetry';
    const spanRows = (expectedRows * (range.to.getTime() - range.from.getTime())) / Math.max(1, scope.to.getTime() - scope.from.getTime());
    if (rate < 1 && byHour && tableRows > 0 && rate < spanRows / tableRows) {
      params.push(rate * 100);
      from = `telemetry TABLESAMPLE SYSTEM ($${params.length}::float4)`;
    } else if (rate < 1) {
      params.push(rate);
      where += ` AND random() < $${params.length}::float8`;
    }
    const hour = byHour ? `floor(date_part('epoch', created_at) / 3600)::float8` : '0::float8';
    return (await db.query<DriftSampleRow & { hour: number }>(`SELECT ${hour} AS hour, ${SAMPLE_COLUMNS} FROM ${from} WHERE ${where}`, params)).rows;
  };
  const [filled, ...edges] = await Promise.all([
    missing.length > 0 ? read({ tenant: scope.tenant, from: missing[0], to: new Date(missing[missing.length - 1].getTime() + 3_600_000) }, true) : Promise.resolve([]),
    ...split.edges.map((edge) => read({ tenant: scope.tenant, ...edge }, false)),
  ]);
  const byHour = new Map<number, DriftSampleRow[]>();
  for (const { hour, ...row } of filled) {
    let rows = byHour.get(hour);
    if (!rows) byHour.set(hour, (rows = []));
    rows.push(row);
  }
  for (const hour of missing) {
    const rows = byHour.get(hourIndex(hour)) ?? [];
    cache.set(key(hour), rows, 1 + rows.length);
  }
  const rows: DriftSampleRow[] = [];
  for (const hour of split.hours) rows.push(...(known.get(hourIndex(hour)) ?? byHour.get(hourIndex(hour)) ?? []));
  for (const edge of edges) for (const { hour: _hour, ...row } of edge) rows.push(row);
  // Partial Fisher-Yates: the first `size` places get a uniform random subset (the cached hours stay as they are).
  if (rows.length <= size) return rows;
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(Math.random() * (rows.length - i));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return rows.slice(0, size);
}

/**
 * Up to `size` requests of a scope, drawn at random, in one query. A scope that is a small part
 * of the table is read through the time index, each row kept with probability size/expected; one
 * that is most of it (a week's reference) through TABLESAMPLE SYSTEM, which reads only the sampled
 * share of the table's pages: whichever reads fewer pages (index: expected/total of them; sample:
 * OVERSAMPLE·size/expected).
 */
async function sampleScope(db: Queryable, scope: TelemetryScope, size: number, expectedRows: number): Promise<DriftSampleRow[]> {
  const params: unknown[] = [];
  let where = telemetryWhere(scope, params);
  params.push(size);
  const limit = `$${params.length}`;
  let from = 'telemetry';
  if (expectedRows > size) {
    const share = Math.min(1, (OVERSAMPLE * size) / expectedRows);
    const tableRows = await estimatedTableRows(db);
    if (tableRows > 0 && share < expectedRows / tableRows) {
      params.push(share * 100);
      from = `telemetry TABLESAMPLE SYSTEM ($${params.length}::float4)`;
    } else {
      params.push(share);
      where += ` AND random() < $${params.length}::float8`;
    }
  }
  return (await db.query<DriftSampleRow>(`SELECT ${SAMPLE_COLUMNS} FROM ${from} WHERE ${where} LIMIT ${limit}`, params)).rows;
}

/** The planner's estimate of the telemetry table's rows (-1 before its first ANALYZE). */
async function estimatedTableRows(db: Queryable): Promise<number> {
  return (await db.query<{ rows: number }>("SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = 'telemetry'::regclass")).rows[0]?.rows ?? -1;
}

/**
 * Drift of every signal between a reference and a current sample, with the configured thresholds.
 * `embedder`: whether an embedder is installed (the query-embedding signal says unavailable, and
 * why, when not); without it the rows decide.
 */
export function driftSignals(reference: readonly DriftSampleRow[], current: readonly DriftSampleRow[], thresholds: MonitorThresholds, embedder?: QueryEmbedderState): DriftSignal[] {
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
  signals.push(embeddingDrift(reference, current, thresholds, embedder));
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
