/**
 * Answer quality of the offline extractive answerer over BM25 retrieval (issue 19's benchmark):
 * - squad2-train-sample: the 694 Wikipedia paragraphs ingested as documents; questions of a
 *   deterministic held-out third of the articles (`groupedHoldout`, split by `metadata.article`,
 *   articles with unanswerable questions split apart so both sides have some), a seeded sample of
 *   `--sample` questions (`--all` for every one). `--part tuning` runs the other two thirds instead:
 *   tune there, report the held-out part.
 * - samples/golden.jsonl over samples/corpus: its held-out third (goldenHoldout: by document,
 *   unanswerable questions stratified apart; `--part tuning` the other two thirds, which the packaged
 *   answer-or-refuse model is trained on).
 * - bench/realdocs/golden.jsonl over bench/realdocs/corpus: ten third-party package READMEs with 64
 *   questions written by someone who never ran groundwork on them (49 answerable, 15 not): the
 *   "documents nobody on the project wrote" check. Never used for tuning.
 * Each set goes through `runGoldenEval` (the `eval run --golden` code path, answer cache off, sparse
 * mode): answer containment, token F1, false refusal, refusal of the unanswerable, document-level
 * citation precision, all with seeded bootstrap 95% intervals. Then, per question, the answerer alone
 * is timed over the top 10 retrieved chunks (what it adds to a question beyond retrieval). Prints one
 * JSON document with a few failing examples per kind.
 *   node --import tsx bench/answers.ts [--backend pglite|postgres] [--sample 1000 | --all] [--part heldout|tuning] [--only squad2|samples|realdocs] [--answerability off|default|both] [--examples 5]
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ConfigInput } from '../src/config/schema.js';
import type { AnswersFileLine } from '../src/eval/answers-file.js';
import { answerContainment } from '../src/eval/answer-correctness.js';
import { parseGoldenSet, type GoldenItem } from '../src/eval/golden-set.js';
import { goldenHoldout } from '../src/eval/golden-holdout.js';
import { groupedHoldout } from '../src/eval/grouped-holdout.js';
import { mulberry32 } from '../src/eval/prng.js';
import { answerText, referenceAnswers } from '../src/eval/run-answer-metrics.js';
import { runGoldenEval } from '../src/eval/run-golden-eval.js';
import { isExtractiveAnswerer } from '../src/generate/extractive-answerer.js';
import { clearChunkReadings } from '../src/generate/answer-extractively.js';
import { clearPassageFacts } from '../src/generate/evidence-mismatches.js';
import { ANSWERABILITY_EXTRACTIVE_MIN_COVERAGE, decideAnswerability, extractiveOverrides, loadAnswerabilityModel } from '../src/generate/answerability-model.js';
import { withheldEvidence } from '../src/eval/withheld-evidence.js';
import { createGroundwork, type Groundwork } from '../src/groundwork.js';
import { loadChunkEdges } from '../src/retrieve/load-chunk-edges.js';
import { benchDatabase } from './bench-database.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'pglite' },
    sample: { type: 'string', default: '1000' },
    all: { type: 'boolean', default: false },
    part: { type: 'string', default: 'heldout' },
    examples: { type: 'string', default: '5' },
    squad: { type: 'string', default: '../shared/datasets/squad2-train-sample' },
    only: { type: 'string' },
    answerability: { type: 'string', default: 'both' },
  },
});
if (values.only !== undefined && !['squad2', 'samples', 'realdocs'].includes(values.only)) throw new Error('--only is squad2, samples or realdocs');
if (!['off', 'default', 'both'].includes(values.answerability!)) throw new Error('--answerability is off, default or both');
/** The answerability settings compared: without the model, with the packaged one. */
const SETTINGS = values.answerability === 'both' ? (['off', 'default'] as const) : ([values.answerability] as Array<'off' | 'default'>);
/** Share of the held-out passages left out of the withheld-evidence tenant, and its seed (the training script's). */
const WITHHELD_SHARE = 1 / 3;
const WITHHELD_SEED = 19;
if (!['pglite', 'postgres'].includes(values.backend!)) throw new Error('--backend is pglite or postgres');
if (!['heldout', 'tuning'].includes(values.part!)) throw new Error('--part is heldout or tuning');
const SAMPLE_SEED = 19;
/** The answerer is timed over this many retrieved chunks (the issue's cost budget: 10 ms p95 at 10). */
const TIMED_CHUNKS = 10;
const examplesPerKind = Number(values.examples);
const answerabilityModel = loadAnswerabilityModel('default');

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

function seededSample<T>(items: readonly T[], n: number, seed: number): T[] {
  const random = mulberry32(seed);
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  return shuffled.slice(0, n);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

async function open(config: ConfigInput, answerability: 'off' | 'default' = 'off'): Promise<Groundwork> {
  return createGroundwork({ config: { ...config, cache: { enabled: false }, retrieve: { mode: 'sparse' }, generate: { answerability: { model: answerability } } }, useEnvironment: false });
}

/**
 * What answering adds to a question over the top TIMED_CHUNKS retrieved chunks, per question, in ms:
 * reading the chunks' edges (the neighbouring text that completes cut sentences, one statement) and
 * the answerer itself; all sorted ascending. `total` keeps what the answerer keeps between questions
 * (chunk readings, passage facts: the questions of a set share documents); `firstReading` is the
 * same total with those forgotten before each question.
 */
async function answererTimes(gw: Groundwork, tenant: string, items: readonly GoldenItem[]): Promise<{ total: number[]; answerer: number[]; edges: number[]; firstReading: number[] }> {
  const model = gw.chatModel;
  if (!isExtractiveAnswerer(model)) throw new Error('this bench measures the extractive answerer');
  const total: number[] = [];
  const answerer: number[] = [];
  const edges: number[] = [];
  const firstReading: number[] = [];
  const asked: Array<{ question: string; chunks: Awaited<ReturnType<typeof loadChunkEdges>>; confidence: number; edgesMs: number }> = [];
  for (const item of items) {
    const retrieval = await gw.retrieve({ query: item.question, tenant, mode: 'sparse', k: TIMED_CHUNKS });
    const started = performance.now();
    const chunks = await loadChunkEdges(gw.db, tenant, retrieval.chunks.slice(0, TIMED_CHUNKS));
    const loaded = performance.now();
    const decision = gw.config.generate.answerability.model === 'off' ? undefined : decideAnswerability(answerabilityModel!, item.question, chunks, retrieval.confidence);
    if (decision === undefined || decision.answer) model.answerFromContext(item.question, chunks, decision ? extractiveOverrides(decision.score) : {});
    const done = performance.now();
    total.push(done - started);
    edges.push(loaded - started);
    answerer.push(done - loaded);
    asked.push({ question: item.question, chunks, confidence: retrieval.confidence, edgesMs: loaded - started });
  }
  // The same again with the answerer's kept chunk readings and passage facts forgotten before each
  // question: every chunk read for the first time (the cost of questions over documents not read lately).
  for (const { question, chunks, confidence, edgesMs } of asked) {
    clearChunkReadings();
    clearPassageFacts();
    const again = performance.now();
    const decision = gw.config.generate.answerability.model === 'off' ? undefined : decideAnswerability(answerabilityModel!, question, chunks, confidence);
    if (decision === undefined || decision.answer) model.answerFromContext(question, chunks, decision ? extractiveOverrides(decision.score) : {});
    firstReading.push(performance.now() - again + edgesMs);
  }
  const sort = (values: number[]) => values.sort((a, b) => a - b);
  return { total: sort(total), answerer: sort(answerer), edges: sort(edges), firstReading: sort(firstReading) };
}

function failingExamples(items: readonly GoldenItem[], lines: readonly AnswersFileLine[]) {
  const byId = new Map(lines.map((line) => [line.id, line]));
  const kinds = { falseRefusal: [] as unknown[], wrongAnswer: [] as unknown[], answeredUnanswerable: [] as unknown[], wrongDocumentCited: [] as unknown[] };
  for (const item of items) {
    const line = byId.get(item.id);
    if (!line) continue;
    const base = { id: item.id, question: item.question, reference: item.reference_answer ?? null, relevant: item.relevant_doc_ids };
    const cited = [...new Set(line.citations.map((citation) => citation.documentId))];
    const shown = { answer: line.answer.slice(0, 400), cited };
    if (item.answerable && line.refused) kinds.falseRefusal.push({ ...base, reason: line.refusalReason });
    else if (item.answerable && answerContainment(answerText(line.answer), referenceAnswers(item)) === 0) kinds.wrongAnswer.push({ ...base, ...shown });
    else if (!item.answerable && !line.refused) kinds.answeredUnanswerable.push({ ...base, ...shown });
    if (!line.refused && item.relevant_doc_ids.length > 0 && cited.some((id) => !item.relevant_doc_ids.includes(id))) kinds.wrongDocumentCited.push({ ...base, ...shown });
  }
  return Object.fromEntries(Object.entries(kinds).map(([kind, list]) => [kind, { count: list.length, examples: list.slice(0, examplesPerKind) }]));
}

async function evaluate(gw: Groundwork, name: string, tenant: string, items: GoldenItem[], scratch: string) {
  const goldenPath = join(scratch, `${name}.jsonl`);
  const answersFile = join(scratch, `${name}-answers.jsonl`);
  await writeFile(goldenPath, items.map((item) => JSON.stringify(item)).join('\n'));
  const started = performance.now();
  const document = await runGoldenEval(gw, { golden: goldenPath, tenant, mode: 'sparse', answersFile, codeVersion: 'bench' });
  const evalSeconds = (performance.now() - started) / 1000;
  const lines = (await readFile(answersFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as AnswersFileLine);
  const times = await answererTimes(gw, tenant, items);
  const pick = ['answer_containment', 'token_f1', 'answer_accuracy', 'false_refusal_rate', 'refusal_accuracy', 'citation_doc_precision', 'citation_precision', 'exact_match'];
  const metrics = Object.fromEntries(
    pick.filter((metric) => document.metrics[metric]).map((metric) => {
      const m = document.metrics[metric];
      return [metric, { mean: round(m.mean), ci95: [round(m.lower), round(m.upper)], n: m.n }];
    }),
  );
  return {
    questions: items.length,
    answerable: items.filter((item) => item.answerable).length,
    unanswerable: items.filter((item) => !item.answerable).length,
    metrics,
    addedMs: Object.fromEntries(
      Object.entries(times).map(([part, values]) => [part, { p50: round(percentile(values, 0.5), 3), p95: round(percentile(values, 0.95), 3), max: round(values[values.length - 1] ?? 0, 3) }]),
    ),
    addedMsOverChunks: TIMED_CHUNKS,
    askLatencyMs: { p50: document.latency.p50Ms, p95: document.latency.p95Ms },
    evalSeconds: round(evalSeconds, 1),
    failing: failingExamples(items, lines),
  };
}

const scratch = await mkdtemp(join(tmpdir(), 'gw-bench-answers-'));
const config: ConfigInput = values.backend === 'postgres' ? { databaseUrl: await benchDatabase('gw_bench_answers') } : { dataDir: join(scratch, 'data') };
const results: Record<string, Record<string, unknown>> = {};
try {
  // Ingest once (the answerability setting does not change what is stored).
  const ingestGw = await open(config);
  const setup: Record<string, unknown> = {};
  let squadItems: GoldenItem[] = [];
  let withheldItems: GoldenItem[] = [];
  try {
    if (values.only === undefined || values.only === 'squad2') {
      const all = parseGoldenSet(await readFile(join(values.squad!, 'golden.jsonl'), 'utf8'));
      const articleOf = (item: GoldenItem) => String(item.metadata.article);
      const impossible = new Set(all.filter((item) => !item.answerable).map(articleOf));
      const split = groupedHoldout(all.map(articleOf), { strataOf: (article) => (impossible.has(article) ? 'has-unanswerable' : 'answerable-only') });
      const articles = new Set(values.part === 'heldout' ? split.heldOut : split.tuning);
      const part = all.filter((item) => articles.has(articleOf(item)));
      squadItems = values.all ? part : seededSample(part, Number(values.sample), SAMPLE_SEED);
      const ingestStarted = performance.now();
      const ingest = await ingestGw.ingest([join(values.squad!, 'passages')], { tenant: 'squad2' });
      // Withheld evidence over this part's articles: a third of their passages left out of a second tenant.
      const articleOfPassage = new Map(all.flatMap((item) => item.relevant_doc_ids.map((id) => [id, articleOf(item)] as const)));
      const partFiles = (await readdir(join(values.squad!, 'passages'))).filter((file) => articles.has(articleOfPassage.get(file) ?? ''));
      const texts = new Map(await Promise.all(partFiles.map(async (file) => [file, await readFile(join(values.squad!, 'passages', file), 'utf8')] as const)));
      const variant = withheldEvidence(part, texts, { share: WITHHELD_SHARE, seed: WITHHELD_SEED });
      const keptDir = join(scratch, 'withheld-corpus');
      await mkdir(keptDir, { recursive: true });
      await Promise.all(variant.remaining.map((file) => copyFile(join(values.squad!, 'passages', file), join(keptDir, file))));
      await ingestGw.ingest([keptDir], { tenant: 'squad2-withheld' });
      withheldItems = values.all ? variant.items : seededSample(variant.items, Number(values.sample), SAMPLE_SEED);
      setup.squad2 = {
        part: values.part,
        articles: [...articles].sort(),
        partQuestions: part.length,
        sampled: values.all ? 'all' : `${squadItems.length} (seed ${SAMPLE_SEED})`,
        ingest: { documents: ingest.documents.added + ingest.documents.unchanged, chunks: ingest.chunks, seconds: round((performance.now() - ingestStarted) / 1000, 1) },
      };
      setup.withheldEvidence = { passagesWithheld: variant.withheld.size, of: partFiles.length, questions: variant.items.length, evaluated: withheldItems.length, seed: WITHHELD_SEED };
    }
    if (values.only === undefined || values.only === 'samples') await ingestGw.ingest(['samples/corpus'], { tenant: 'samples' });
    if (values.only === undefined || values.only === 'realdocs') await ingestGw.ingest(['bench/realdocs/corpus'], { tenant: 'realdocs' });
  } finally {
    await ingestGw.close();
  }
  // The samples' held-out third (goldenHoldout): the packaged answer-or-refuse model learns from the other two (scripts/train-answerability.ts).
  const samplesSplit = goldenHoldout(values.only === undefined || values.only === 'samples' ? parseGoldenSet(await readFile('samples/golden.jsonl', 'utf8')) : []);
  const samples = values.part === 'heldout' ? samplesSplit.heldOut : samplesSplit.tuning;
  const realdocs = values.only === undefined || values.only === 'realdocs' ? parseGoldenSet(await readFile('bench/realdocs/golden.jsonl', 'utf8')) : [];
  for (const setting of SETTINGS) {
    const gw = await open(config, setting);
    const outcome: Record<string, unknown> = {};
    try {
      if (values.only === undefined || values.only === 'squad2') {
        outcome.squad2 = { ...(setup.squad2 as object), ...(await evaluate(gw, `squad2-${setting}`, 'squad2', squadItems, scratch)) };
        outcome.withheldEvidence = { ...(setup.withheldEvidence as object), ...(await evaluate(gw, `withheld-${setting}`, 'squad2-withheld', withheldItems, scratch)) };
      }
      if (samples.length > 0) outcome.samples = { part: values.part, partQuestions: samples.length, ...(await evaluate(gw, `samples-${setting}`, 'samples', samples, scratch)) };
      if (realdocs.length > 0) outcome.realdocs = await evaluate(gw, `realdocs-${setting}`, 'realdocs', realdocs, scratch);
    } finally {
      await gw.close();
    }
    results[setting === 'off' ? 'withoutModel' : 'withModel'] = outcome;
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
console.log(
  JSON.stringify(
    {
      bench: 'answers',
      command: `node --import tsx bench/answers.ts --backend ${values.backend} ${values.all ? '--all' : `--sample ${values.sample}`} --part ${values.part} --answerability ${values.answerability}`,
      answerabilityModel: { threshold: answerabilityModel?.operatingPoint.threshold, trainedAt: answerabilityModel?.trainedAt, extractiveMinCoverage: ANSWERABILITY_EXTRACTIVE_MIN_COVERAGE },
      answerer: 'extractive',
      retrieval: 'sparse (BM25)',
      results,
      note: 'intervals: seeded percentile bootstrap 95%; timings on a shared 2-core machine are upper bounds',
    },
    null,
    2,
  ),
);
