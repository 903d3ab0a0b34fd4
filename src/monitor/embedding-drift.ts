import { kolmogorovSmirnovTest } from '../classic-ml/drift/kolmogorov-smirnov-test.js';
import { populationStabilityIndex } from '../classic-ml/drift/population-stability-index.js';
import type { Embedder } from '../models/types.js';
import { driftResponse, SIGNAL_DRIFT_TYPE } from './drift-playbook.js';
import type { MonitorThresholds } from './monitor-options.js';
import { queryEmbedderIdentity } from './query-embedding-capture.js';
import { QUERY_PROJECTIONS } from './query-projection.js';
import type { DriftSignal, EmbeddingDriftDetails } from './types.js';

/**
 * Embedded queries compared per side (a systematic subset across the sample when it has more):
 * sixteen PSIs and KS tests cost sixteen times one signal's, and at 2,000 a side PSI's sampling
 * noise (≈ (bins − 1)·(1/n + 1/m) ≈ 0.009 over ten bins) is still a tenth of the 0.1 warning.
 */
export const EMBEDDING_SAMPLE_SIZE = 2_000;

/** What the caller knows of the embedder: installed (and which), or not (and why). */
export type QueryEmbedderState = { installed: true; identity: string } | { installed: false; reason: string };

/**
 * A sampled row's embedding columns. The projection comes from SQL as its text form
 * (`{0.01,-0.2,...}`): node-postgres' float8[] parser costs ~100 ms per 5,000 rows (measured), and
 * only EMBEDDING_SAMPLE_SIZE rows a side are read, so they are parsed here, after the cut.
 */
export interface EmbeddingSampleRow {
  query_embedder: string | null;
  query_projection: number[] | string | null;
}

/**
 * The state of a running groundwork's embedder for the report: its identity, or why there is none.
 * @example queryEmbedderState(gw.embedder, gw.config.models.embedder.provider)
 */
export function queryEmbedderState(embedder: Embedder | undefined, provider: string): QueryEmbedderState {
  if (embedder) return { installed: true, identity: queryEmbedderIdentity(embedder) };
  return {
    installed: false,
    reason: `no embedder is installed (models.embedder.provider: ${provider}): retrieval is lexical-only (BM25), so queries are not embedded and there is no query-embedding distribution to compare. Install an embedding model (\`groundwork models pull\`) or configure an embedding provider to get this signal.`,
  };
}

/** Without the caller's word and with no embedded query in either window, this is what the report can say. */
const NOTHING_RECORDED =
  'no query embeddings were recorded in either window: no embedder is installed, or no request embedded its query (sparse-mode retrieval, exact cache hits). Query-embedding drift needs an embedder and dense or hybrid retrieval or the semantic cache.';

/**
 * Drift of the query embeddings: each of the QUERY_PROJECTIONS projected coordinates compared by
 * PSI (the classic-ml tool, as the other numeric signals) and KS; the signal's statistic is the
 * largest PSI. Sixteen PSIs give sixteen chances of a noisy one, so a component counts only when
 * its KS also rejects at thresholds.alpha after a Bonferroni correction for the sixteen tests; the
 * status then follows the playbook's PSI thresholds for feature drift. The centroid cosine
 * distance says how far the average question moved. Only rows of one embedder identity compare:
 * the installed one, else the one most of the current window's rows were embedded by.
 */
export function embeddingDrift(
  reference: readonly EmbeddingSampleRow[],
  current: readonly EmbeddingSampleRow[],
  thresholds: MonitorThresholds,
  embedder?: QueryEmbedderState,
): DriftSignal {
  const signal = 'query_embedding' as const;
  const base = { signal, type: SIGNAL_DRIFT_TYPE[signal], method: 'psi' as const, thresholds: { warning: thresholds.psiWarning, critical: thresholds.psiCritical } };
  const details = (identity: string | null): EmbeddingDriftDetails => ({ embedder: identity, components: QUERY_PROJECTIONS, driftedComponents: 0, largestPsi: null, worstComponent: null, centroidCosineDistance: null });
  if (embedder && !embedder.installed) {
    return { ...base, status: 'unavailable', statistic: null, referenceSamples: 0, currentSamples: 0, reason: embedder.reason, embedding: details(null) };
  }
  const identity = embedder?.identity ?? mostCommonEmbedder(current) ?? mostCommonEmbedder(reference);
  if (identity === undefined) return { ...base, status: 'unavailable', statistic: null, referenceSamples: 0, currentSamples: 0, reason: NOTHING_RECORDED, embedding: details(null) };
  const ref = projections(reference, identity);
  const cur = projections(current, identity);
  const counts = { referenceSamples: ref.length, currentSamples: cur.length };
  if (ref.length < thresholds.minSamples || cur.length < thresholds.minSamples) {
    const otherEmbedder = reference.some((row) => row.query_embedder !== null && row.query_embedder !== identity);
    const reason = `${ref.length} reference and ${cur.length} current queries embedded by ${identity}; ${thresholds.minSamples} are needed on each side${otherEmbedder ? ' (some reference queries were embedded by another embedder and do not compare)' : ''}`;
    return { ...base, ...counts, status: 'insufficient-data', statistic: null, reason, embedding: details(identity) };
  }
  const refColumns = columns(ref);
  const curColumns = columns(cur);
  const components = refColumns.map((refValues, component) => {
    const curValues = curColumns[component];
    const psi = populationStabilityIndex(refValues, curValues);
    // KS only decides components past the warning threshold (the rest count as 0 either way).
    const ks = psi > thresholds.psiWarning ? kolmogorovSmirnovTest(refValues, curValues) : undefined;
    const pValue = ks ? Math.min(1, ks.pValue * QUERY_PROJECTIONS) : 1;
    // A PSI that KS cannot tell from sampling noise (after Bonferroni) does not count as drift.
    return { component, psi, counted: pValue < thresholds.alpha ? psi : 0, ks: ks && { statistic: ks.statistic, pValue } };
  });
  const drifted = components.filter((c) => c.counted > thresholds.psiWarning).length;
  // The worst component: the largest counted PSI; when none counts, the largest PSI (its KS is reported).
  const worst = components.reduce((a, b) => (b.counted > a.counted || (b.counted === a.counted && b.psi > a.psi) ? b : a));
  if (!worst.ks) {
    const ks = kolmogorovSmirnovTest(refColumns[worst.component], curColumns[worst.component]);
    worst.ks = { statistic: ks.statistic, pValue: Math.min(1, ks.pValue * QUERY_PROJECTIONS) };
  }
  const psi = worst.counted;
  const severity = psi > thresholds.psiCritical ? 'critical' : psi > thresholds.psiWarning ? 'warning' : undefined;
  return {
    ...base,
    ...counts,
    status: severity ?? 'none',
    statistic: psi,
    ks: worst.ks,
    embedding: {
      embedder: identity,
      components: QUERY_PROJECTIONS,
      driftedComponents: drifted,
      largestPsi: Math.max(...components.map((c) => c.psi)),
      worstComponent: worst.component,
      centroidCosineDistance: centroidCosineDistance(ref, cur),
    },
    ...(severity ? { response: driftResponse(signal, severity, 'psi') } : {}),
  };
}

/** The identity most rows were embedded by, or undefined when none was. */
function mostCommonEmbedder(rows: readonly EmbeddingSampleRow[]): string | undefined {
  const tally = new Map<string, number>();
  for (const row of rows) if (row.query_embedder !== null && row.query_projection) tally.set(row.query_embedder, (tally.get(row.query_embedder) ?? 0) + 1);
  let best: string | undefined;
  for (const [identity, count] of tally) if (best === undefined || count > tally.get(best)! || (count === tally.get(best)! && identity < best)) best = identity;
  return best;
}

/**
 * The projections of one embedder identity (complete, finite ones only), at most
 * EMBEDDING_SAMPLE_SIZE of them, evenly spaced through the rows: across time where the sample is
 * in time order, a random subset where it was shuffled; unbiased either way.
 */
function projections(rows: readonly EmbeddingSampleRow[], identity: string): number[][] {
  const values: number[][] = [];
  for (const row of spread(rows.filter((r) => r.query_embedder === identity && r.query_projection !== null), EMBEDDING_SAMPLE_SIZE)) {
    const projection = typeof row.query_projection === 'string' ? row.query_projection.slice(1, -1).split(',').map(Number) : row.query_projection!;
    if (projection.length === QUERY_PROJECTIONS && projection.every(Number.isFinite)) values.push(projection);
  }
  return values;
}

/** At most `size` of the rows, evenly spaced through them. */
function spread<T>(rows: readonly T[], size: number): readonly T[] {
  if (rows.length <= size) return rows;
  return Array.from({ length: size }, (_, i) => rows[Math.floor((i * rows.length) / size)]);
}

/**
 * The projections as QUERY_PROJECTIONS columns of plain doubles: arrays parsed from SQL hold boxed
 * numbers, which the tests' sorting and binning read about twice as slowly (measured).
 */
function columns(rows: readonly number[][]): number[][] {
  const out = Array.from({ length: QUERY_PROJECTIONS }, () => new Array<number>(rows.length));
  for (let r = 0; r < rows.length; r++) for (let c = 0; c < QUERY_PROJECTIONS; c++) out[c][r] = +rows[r][c];
  return out;
}

/** 1 − cos(mean of a, mean of b); null when a mean is the zero vector. */
export function centroidCosineDistance(a: readonly number[][], b: readonly number[][]): number | null {
  const mean = (rows: readonly number[][]): number[] => {
    const sum = new Array<number>(QUERY_PROJECTIONS).fill(0);
    for (const row of rows) for (let i = 0; i < QUERY_PROJECTIONS; i++) sum[i] += row[i];
    return sum.map((value) => value / rows.length);
  };
  const ma = mean(a);
  const mb = mean(b);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < QUERY_PROJECTIONS; i++) {
    dot += ma[i] * mb[i];
    na += ma[i] * ma[i];
    nb += mb[i] * mb[i];
  }
  if (na === 0 || nb === 0) return null;
  return Math.max(0, 1 - dot / Math.sqrt(na * nb));
}
