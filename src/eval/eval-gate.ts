import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ConfigInput } from '../config/schema.js';
import { GroundworkError, InputError } from '../errors.js';
import type { Groundwork } from '../groundwork.js';
import { validateOverrides } from '../registry/config-overrides.js';
import { groundworkForOverrides } from '../registry/entry-groundwork.js';
import type { RegistryEntry, RegistryStore } from '../registry/registry-store.js';
import { DEFAULT_CONFIDENCE, type ResamplingOptions } from './bootstrap-ci.js';
import { createExperimentStore } from './experiment-store.js';
import { loadGoldenSet } from './golden-set.js';
import { pairedTest } from './paired-test.js';
import { runBeirEval } from './run-beir-eval.js';
import type { EvalRunDocument, EvalRunProgress } from './run-eval-types.js';
import { runGoldenEval, type GoldenEvalRunDocument } from './run-golden-eval.js';

/**
 * What each guardrail may lose before the gate fails (candidate against baseline, point
 * estimates). Rates are absolute: refusal accuracy and citation precision may drop by at most 5
 * points, the false-refusal rate rise by at most 5 points (one question in twenty). Latency p95 may
 * rise by 25% or 50 ms, whichever is larger, and fails only when the candidate is also slower query
 * by query (paired sign-flip test on per-query latency): a p95 of a few dozen queries moves by tens of
 * milliseconds with one slow query on a busy machine. Cost per query may rise by 10% or $0.0001.
 */
export const GATE_TOLERANCES = {
  refusal_accuracy: 0.05,
  false_refusal_rate: 0.05,
  citation_precision: 0.05,
  latencyP95Relative: 0.25,
  latencyP95Ms: 50,
  costRelative: 0.1,
  costUsd: 0.0001,
} as const;

/**
 * Questions each side answers, untimed, before a golden set's timed run: the first answers of a
 * process load modules and fill caches (tens of milliseconds here), which is start-up, not the
 * configuration's latency, and would otherwise land on whichever side runs first.
 */
export const WARM_UP_QUESTIONS = 3;

/** One side of the gate: the configuration it runs and where it came from. */
export interface GateSide {
  label: string;
  /** Applied in order over the base configuration. */
  overrides: ConfigInput[];
  entry?: RegistryEntry;
}

/** One check of the gate. */
export interface GateCheck {
  name: string;
  kind: 'primary' | 'guardrail';
  baseline: number;
  candidate: number;
  difference: number;
  pValue?: number;
  tolerance?: string;
  passed: boolean;
  message: string;
}

/** One dataset's pair of runs and its checks. */
export interface GateRun {
  dataset: string;
  kind: 'golden' | 'beir';
  primaryMetric: string;
  queries: number;
  baselineExperiment: string;
  candidateExperiment: string;
  checks: GateCheck[];
}

/** What `groundwork eval gate --json` prints. */
export interface GateDocument {
  passed: boolean;
  candidate: { label: string; entryId?: number };
  baseline: { label: string; entryId?: number };
  runs: GateRun[];
  /** The failed checks in words (empty when it passed). */
  reasons: string[];
  gateRecordId?: number;
  durationMs: number;
}

/** The gate's inputs. */
export interface EvalGateOptions extends ResamplingOptions {
  candidate: GateSide;
  baseline: GateSide;
  goldens?: string[];
  datasets?: string[];
  /** Golden sets: the tenant their documents were ingested into (default: the candidate entry's tenant, else the configured one). */
  tenant?: string;
  codeVersion?: string;
  onProgress?: (progress: EvalRunProgress & { side: 'baseline' | 'candidate'; dataset: string }) => void;
}

/**
 * Resolves `--candidate` or `--baseline`: an entry id (its overrides over the production entries of
 * the other kinds in its scope), `production` (every production entry the tenant is served with),
 * or a JSON file of config overrides.
 */
export async function resolveGateSide(registry: RegistryStore, spec: string, tenant: string, field: string): Promise<GateSide> {
  if (spec === 'production') {
    const entries = await registry.productionEntries(tenant);
    return { label: entries.length ? `production (${entries.map((e) => `#${e.id} ${e.kind} ${e.name}@${e.version}`).join(', ')})` : 'production (base configuration: no production entries)', overrides: entries.map((e) => e.overrides) };
  }
  if (/^\d+$/.test(spec)) {
    const entry = await registry.get(Number(spec));
    const scope = entry.tenant === '*' ? tenant : entry.tenant;
    const others = (await registry.productionEntries(scope)).filter((e) => e.kind !== entry.kind);
    return { label: `entry #${entry.id} (${entry.kind} ${entry.name}@${entry.version}, ${entry.stage})`, overrides: [...others.map((e) => e.overrides), entry.overrides], entry };
  }
  let text: string;
  try {
    text = await readFile(resolve(spec), 'utf8');
  } catch (error) {
    throw new InputError(field, `"${spec}" is neither an entry id, "production" nor a readable config file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(field, `${spec} is not JSON: ${(error as Error).message}`);
  }
  return { label: `config file ${resolve(spec)}`, overrides: [validateOverrides(parsed, field)] };
}

/**
 * The eval gate: runs the baseline and the candidate on the same questions (each golden set and
 * dataset, through the eval runners, the answer cache off on both sides so every question is
 * answered), pairs them per query and fails when the primary metric (answer accuracy for golden
 * sets, nDCG@10 for datasets) is significantly worse (paired sign-flip test, p < 1 - confidence)
 * or a guardrail regresses beyond its tolerance (GATE_TOLERANCES): refusal accuracy, false refusal,
 * citation precision, latency p95, cost per query. Both runs are recorded as experiments, the
 * candidate's against the baseline's; the decision is stored as a gate record of the candidate
 * entry when there is one.
 */
export async function runEvalGate(base: Groundwork, registry: RegistryStore, options: EvalGateOptions): Promise<GateDocument> {
  const started = performance.now();
  const goldens = options.goldens ?? [];
  const datasets = options.datasets ?? [];
  if (goldens.length + datasets.length === 0) throw new InputError('golden', 'the gate needs at least one --golden FILE or --dataset DIR');
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const tenant = options.tenant ?? (options.candidate.entry && options.candidate.entry.tenant !== '*' ? options.candidate.entry.tenant : base.config.tenant);
  const off: ConfigInput = { cache: { enabled: false } };
  const baselineGw = await groundworkForOverrides(base, [...options.baseline.overrides, off]);
  const candidateGw = await groundworkForOverrides(base, [...options.candidate.overrides, off]);
  const runs: GateRun[] = [];
  try {
    const common = { seed: options.seed, resamples: options.resamples, confidence, codeVersion: options.codeVersion };
    for (const golden of goldens) {
      const progress = (side: 'baseline' | 'candidate') => (p: EvalRunProgress) => options.onProgress?.({ ...p, side, dataset: golden });
      await warmUp(baselineGw, golden, tenant);
      await warmUp(candidateGw, golden, tenant);
      const before = await runGoldenEval(baselineGw, { ...common, golden, tenant, hypothesis: `eval gate baseline: ${options.baseline.label}`, onProgress: progress('baseline') });
      const after = await runGoldenEval(candidateGw, { ...common, golden, tenant, baselineId: before.experimentId, hypothesis: `eval gate candidate: ${options.candidate.label}`, onProgress: progress('candidate') });
      const latency = latencyCheck(before, after, await pairedLatency(base, before, after, options, confidence));
      runs.push({ ...runHeader(golden, 'golden', before, after), checks: goldenChecks(before, after, confidence, latency) });
    }
    for (const dataset of datasets) {
      const progress = (side: 'baseline' | 'candidate') => (p: EvalRunProgress) => options.onProgress?.({ ...p, side, dataset });
      const before = await runBeirEval(baselineGw, { ...common, dataset, hypothesis: `eval gate baseline: ${options.baseline.label}`, onProgress: progress('baseline') });
      const after = await runBeirEval(candidateGw, { ...common, dataset, baselineId: before.experimentId, hypothesis: `eval gate candidate: ${options.candidate.label}`, onProgress: progress('candidate') });
      const latency = latencyCheck(before, after, await pairedLatency(base, before, after, options, confidence));
      runs.push({ ...runHeader(dataset, 'beir', before, after), checks: [primaryCheck(after, confidence), latency] });
    }
  } finally {
    await candidateGw.close();
    await baselineGw.close();
  }
  const reasons = runs.flatMap((run) => run.checks.filter((c) => !c.passed).map((c) => `${run.dataset}: ${c.message}`));
  const passed = reasons.length === 0;
  const document: GateDocument = {
    passed,
    candidate: { label: options.candidate.label, ...(options.candidate.entry ? { entryId: options.candidate.entry.id } : {}) },
    baseline: { label: options.baseline.label, ...(options.baseline.entry ? { entryId: options.baseline.entry.id } : {}) },
    runs,
    reasons,
    durationMs: 0,
  };
  const record = await registry.recordGate({
    tenant: options.candidate.entry?.tenant ?? tenant,
    entryId: options.candidate.entry?.id,
    baselineEntryId: options.baseline.entry?.id,
    passed,
    reasons: runs,
    experimentIds: runs.flatMap((run) => [run.baselineExperiment, run.candidateExperiment]),
  });
  return { ...document, gateRecordId: record.id, durationMs: Math.round(performance.now() - started) };
}

async function warmUp(gw: Groundwork, golden: string, tenant: string): Promise<void> {
  const set = await loadGoldenSet(golden);
  for (const item of set.items.slice(0, WARM_UP_QUESTIONS)) await gw.ask({ question: item.question, tenant });
}

function runHeader(dataset: string, kind: 'golden' | 'beir', before: EvalRunDocument, after: EvalRunDocument): Omit<GateRun, 'checks'> {
  return { dataset: resolve(dataset), kind, primaryMetric: after.primaryMetric, queries: after.comparison?.queries ?? 0, baselineExperiment: before.experimentId, candidateExperiment: after.experimentId };
}

/** The primary metric: fails when significantly worse (p < 1 - confidence and a negative mean difference). */
function primaryCheck(after: EvalRunDocument, confidence: number): GateCheck {
  const name = after.primaryMetric;
  const test = after.comparison?.metrics[name];
  if (!test) throw new GroundworkError('INTERNAL', `the candidate run has no paired ${name} against the baseline`);
  const alpha = 1 - confidence;
  const worse = test.pValue < alpha && test.meanDifference < 0;
  const figures = `${test.meanA.toFixed(4)} -> ${test.meanB.toFixed(4)} (${signed(test.meanDifference)}, p = ${test.pValue.toFixed(4)}, n = ${test.n})`;
  return {
    name,
    kind: 'primary',
    baseline: test.meanA,
    candidate: test.meanB,
    difference: test.meanDifference,
    pValue: test.pValue,
    tolerance: `not significantly worse at alpha ${alpha.toFixed(2)}`,
    passed: !worse,
    message: worse ? `${name} is significantly worse: ${figures}` : `${name} ${figures}`,
  };
}

/** A rate guardrail compared on paired per-query values, with an absolute tolerance. */
function rateCheck(after: EvalRunDocument, name: 'refusal_accuracy' | 'false_refusal_rate' | 'citation_precision', higherIsBetter: boolean): GateCheck | undefined {
  const test = after.comparison?.metrics[name];
  if (!test) return undefined;
  const tolerance = GATE_TOLERANCES[name];
  const loss = higherIsBetter ? -test.meanDifference : test.meanDifference;
  const passed = loss <= tolerance + 1e-12;
  const figures = `${test.meanA.toFixed(4)} -> ${test.meanB.toFixed(4)} (${signed(test.meanDifference)}, tolerance ${tolerance} ${higherIsBetter ? 'drop' : 'rise'})`;
  return { name, kind: 'guardrail', baseline: test.meanA, candidate: test.meanB, difference: test.meanDifference, pValue: test.pValue, tolerance: `${higherIsBetter ? 'drop' : 'rise'} <= ${tolerance}`, passed, message: passed ? `${name} ${figures}` : `${name} regressed beyond its tolerance: ${figures}` };
}

/** Paired per-query latencies of the two runs (from their experiment records) and whether the candidate is significantly slower. */
async function pairedLatency(base: Groundwork, before: EvalRunDocument, after: EvalRunDocument, resampling: ResamplingOptions, confidence: number): Promise<{ slower: boolean; pValue: number }> {
  const store = createExperimentStore(base.db);
  const latencies = async (id: string) => new Map((await store.get(id)).perQuery.map((row) => [row.queryId, row.details.latencyMs]));
  const a = await latencies(before.experimentId);
  const b = await latencies(after.experimentId);
  const pairs = [...a].filter(([id, value]) => typeof value === 'number' && typeof b.get(id) === 'number').map(([id, value]) => [value as number, b.get(id) as number] as const);
  if (pairs.length === 0) return { slower: false, pValue: 1 };
  const test = pairedTest(pairs.map(([x]) => x), pairs.map(([, y]) => y), resampling);
  return { slower: test.meanDifference > 0 && test.pValue < 1 - confidence, pValue: test.pValue };
}

function latencyCheck(before: EvalRunDocument, after: EvalRunDocument, paired: { slower: boolean; pValue: number }): GateCheck {
  const a = before.latency.p95Ms;
  const b = after.latency.p95Ms;
  const allowed = Math.max(a * GATE_TOLERANCES.latencyP95Relative, GATE_TOLERANCES.latencyP95Ms);
  const passed = b - a <= allowed || !paired.slower;
  const figures = `${a.toFixed(1)} -> ${b.toFixed(1)} ms (allowed rise ${allowed.toFixed(1)} ms; per query ${paired.slower ? 'significantly slower' : 'not significantly slower'}, p = ${paired.pValue.toFixed(4)})`;
  return {
    name: 'latency_p95_ms',
    kind: 'guardrail',
    baseline: a,
    candidate: b,
    difference: b - a,
    pValue: paired.pValue,
    tolerance: `rise <= max(${GATE_TOLERANCES.latencyP95Relative * 100}%, ${GATE_TOLERANCES.latencyP95Ms} ms) unless not slower per query`,
    passed,
    message: passed ? `latency p95 ${figures}` : `latency p95 regressed beyond its tolerance: ${figures}`,
  };
}

function costCheck(before: GoldenEvalRunDocument, after: GoldenEvalRunDocument): GateCheck {
  const a = before.latency.cost.meanUsd;
  const b = after.latency.cost.meanUsd;
  const allowed = Math.max(a * GATE_TOLERANCES.costRelative, GATE_TOLERANCES.costUsd);
  const passed = b - a <= allowed;
  const figures = `$${a.toPrecision(3)} -> $${b.toPrecision(3)} per query (allowed rise $${allowed.toPrecision(3)})`;
  return { name: 'cost_per_query_usd', kind: 'guardrail', baseline: a, candidate: b, difference: b - a, tolerance: `rise <= max(${GATE_TOLERANCES.costRelative * 100}%, $${GATE_TOLERANCES.costUsd})`, passed, message: passed ? `cost ${figures}` : `cost per query regressed beyond its tolerance: ${figures}` };
}

function goldenChecks(before: GoldenEvalRunDocument, after: GoldenEvalRunDocument, confidence: number, latency: GateCheck): GateCheck[] {
  const rates = [rateCheck(after, 'refusal_accuracy', true), rateCheck(after, 'false_refusal_rate', false), rateCheck(after, 'citation_precision', true)].filter((c): c is GateCheck => c !== undefined);
  return [primaryCheck(after, confidence), ...rates, latency, costCheck(before, after)];
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(4)}`;
}
