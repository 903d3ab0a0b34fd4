import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { AskResult, Groundwork } from '../groundwork.js';
import { loadChunks } from '../retrieve/retriever.js';
import type { RetrievalMode } from '../retrieve/types.js';
import { answersFileLine, writeAnswersFile, type AnswersFileLine } from './answers-file.js';
import { calibrateRefusalThreshold, type CalibrationRow } from './calibrate-refusal.js';
import { chunksToDocumentRanking } from './chunks-to-document-ranking.js';
import { loadGoldenSet, type GoldenItem } from './golden-set.js';
import { createLlmJudge, summarizeJudgments, type JudgedItem, type JudgeSummary, type LlmJudge } from './llm-judge.js';
import { answerMetrics, answerText, ANSWER_METRICS, citedSentences, isCorrectAnswer, normalizeLabel } from './run-answer-metrics.js';
import { reportPassages } from './run-report-passages.js';
import type { EvalQueryRow, EvalRunDocument, GoldenEvalOptions } from './run-eval-types.js';
import { RECALL_CUTOFF, retrievalMetricNames, scoreRunAtCutoffs, summarizeCost, type CostSummary } from './run-metrics.js';
import { recordEvalRun, resolveEvalOptions } from './run-record.js';
import { segmentBreakdown } from './segment-breakdown.js';
import { writeTrecRun } from './trec-run.js';
import type { Run } from './types.js';

/** Longest answer text kept per question in the experiment (for reports). */
const STORED_ANSWER_CHARS = 2000;

/** Judge metric names, reported beside the lexical baselines `groundedness` and `token_f1`. */
export const JUDGE_METRICS = ['judge_groundedness', 'judge_correctness'] as const;

/** A golden-set run, optionally with the LLM judge. */
export interface GoldenRunOptions extends GoldenEvalOptions {
  /** Judge groundedness and correctness with the configured chat model (config `generate`). */
  judge?: boolean;
  /** Judgments per item (default: eval.judgeRepeats). */
  judgeRepeats?: number;
  /** Write one JSON line per question here (see `AnswersFileLine`). */
  answersFile?: string;
}

/** The LLM judge's part of a golden run: means and intervals are in `metrics.judge_*`. */
export interface JudgeReport {
  model: string;
  repeats: number;
  groundedness: JudgeSummary;
  correctness: JudgeSummary;
}

/** What a golden run returns: the run document, with per-query cost beside latency and the judge's report. */
export interface GoldenEvalRunDocument extends EvalRunDocument {
  latency: EvalRunDocument['latency'] & { cost: CostSummary };
  judge?: JudgeReport;
  /** Where `answersFile` wrote the answers (absolute path). */
  answersFile?: string;
}

/**
 * Evaluates answering on a golden set over documents already ingested in the tenant (default: the
 * configured one); `relevant_doc_ids` are document external ids. Per question it retrieves the
 * document ranking (`retrieve({k: max(k, 100)})`, best chunk per document) for the IR metrics, then
 * calls `ask` for the answer metrics (see `answerMetrics`), latency and usage. Each row keeps
 * (retrieval confidence, answerable, correct) and the run fits the refusal threshold with
 * `calibrateRefusalThreshold`. For questions refused because the confidence was under the current
 * threshold, "correct" is what the same answerer says with the threshold at 0, so the fit is not
 * biased toward the threshold in force. The primary metric (the verdict's) is `answer_accuracy`.
 * Each question's cost is the cost ledger's sum for the ask's request id; the document's latency
 * section carries p50/p95 latency and mean/p50/p95 cost per query. With `judge`, the configured chat
 * model judges groundedness and correctness `judgeRepeats` times per answer (`judge_*` metrics with
 * intervals, agreement rate and invalid responses in `judge`); the lexical baselines always run.
 * Judge calls go to the model directly and are not in the ledger (they are not the queries' cost).
 */
export async function runGoldenEval(gw: Groundwork, options: GoldenRunOptions): Promise<GoldenEvalRunDocument> {
  const startedAt = performance.now();
  const evalOptions = resolveEvalOptions(gw, options);
  const judgeRepeats = options.judgeRepeats ?? evalOptions.judgeRepeats;
  let judge: LlmJudge | undefined;
  if (options.judge === true) {
    if (gw.chatModel.provider === 'extractive') {
      throw new InputError(
        'judge',
        'judge mode needs an LLM provider, and the configured answerer is the offline extractive one: set generate.provider to openai or anthropic (with generate.model, and generate.baseUrl for an OpenAI-compatible server; the API key from OPENAI_API_KEY or ANTHROPIC_API_KEY)',
      );
    }
    judge = createLlmJudge({ model: gw.chatModel, repeats: judgeRepeats });
  }
  const k = options.k ?? evalOptions.k;
  const golden = await loadGoldenSet(options.golden);
  const tenant = options.tenant ?? gw.config.tenant;
  const notices: string[] = [...gw.notices];
  if ((await gw.countDocuments(tenant)) === 0) notices.push(`tenant ${tenant} has no documents: ingest the corpus the golden set was written for first`);
  else {
    const found = await gw.knownExternalIds(tenant, [...new Set(golden.items.flatMap((item) => item.relevant_doc_ids))]);
    const missing = [...new Set(golden.items.flatMap((item) => item.relevant_doc_ids))].filter((id) => !found.has(id));
    if (missing.length > 0) notices.push(`${missing.length} relevant_doc_ids are not documents of tenant ${tenant}, e.g. ${missing.slice(0, 3).join(', ')}`);
  }

  const run: Run = new Map();
  const rows: EvalQueryRow[] = [];
  const latenciesMs: number[] = [];
  const calibration: CalibrationRow[] = [];
  const costsUsd: number[] = [];
  const judgedGroundedness: JudgedItem[] = [];
  const judgedCorrectness: JudgedItem[] = [];
  let mode: RetrievalMode = options.mode ?? gw.config.retrieve.mode;
  let counterfactuals = 0;
  const answerLines: AnswersFileLine[] = [];
  for (const [index, item] of golden.items.entries()) {
    const retrieval = await gw.retrieve({ query: item.question, tenant, mode: options.mode, k: Math.max(k, RECALL_CUTOFF) });
    mode = retrieval.mode;
    const ranking = chunksToDocumentRanking(retrieval.chunks.map((chunk) => ({ externalId: chunk.externalId, score: chunk.score })));
    run.set(item.id, ranking);
    const asked = await gw.ask({ question: item.question, tenant, mode: options.mode });
    latenciesMs.push(asked.latencyMs);
    const costUsd = await ledgerCost(gw, asked);
    costsUsd.push(costUsd);
    const passages = await contextPassages(gw, tenant, asked);
    const citedDocuments = [...new Set(asked.citations.map((citation) => citation.externalId))];
    const answered = { answer: asked.answer, refused: asked.refused, citedDocuments, passages };
    const scored = answerMetrics(item, answered, evalOptions.supportThreshold);
    answerLines.push(
      answersFileLine({
        id: item.id,
        question: item.question,
        answer: asked.answer,
        refused: asked.refused,
        refusalReason: asked.refusalReason,
        answerabilityScore: asked.answerabilityScore,
        retrievalConfidence: asked.retrieval.confidence,
        citations: asked.citations,
        latencyMs: asked.latencyMs,
      }),
    );
    let judged: Record<string, unknown> | undefined;
    if (judge !== undefined) {
      const verdicts = await judgeAnswer(judge, item, asked, passages);
      if (verdicts.groundedness) judgedGroundedness.push(verdicts.groundedness);
      if (verdicts.correctness) judgedCorrectness.push(verdicts.correctness);
      if (verdicts.groundedness?.score !== undefined) scored.metrics.judge_groundedness = verdicts.groundedness.score;
      if (verdicts.correctness?.score !== undefined) scored.metrics.judge_correctness = verdicts.correctness.score;
      else if (verdicts.correctness === undefined && item.reference_answer !== undefined && asked.refused) scored.metrics.judge_correctness = 0;
      judged = { ...(verdicts.groundedness ? { groundedness: verdicts.groundedness } : {}), ...(verdicts.correctness ? { correctness: verdicts.correctness } : {}) };
    }
    let correctIfAnswered = scored.correct;
    if (asked.refusalReason === 'low-confidence' && item.answerable) {
      counterfactuals += 1;
      correctIfAnswered = await answeredCorrectlyWithoutThreshold(gw, item, tenant, options.mode);
    }
    calibration.push({ queryId: item.id, question: item.question, confidence: asked.retrieval.confidence, answerable: item.answerable, correct: correctIfAnswered });
    rows.push({
      queryId: item.id,
      metrics: scored.metrics,
      details: {
        query: item.question,
        ...(item.segment ? { segment: item.segment } : {}),
        answerable: item.answerable,
        ...(item.reference_answer ? { referenceAnswer: item.reference_answer } : {}),
        answer: asked.answer.slice(0, STORED_ANSWER_CHARS),
        refused: asked.refused,
        ...(asked.refusalReason ? { refusalReason: asked.refusalReason } : {}),
        citedDocuments,
        confidence: asked.retrieval.confidence,
        correct: scored.correct,
        correctIfAnswered,
        latencyMs: asked.latencyMs,
        costUsd,
        requestId: asked.requestId,
        cacheHit: asked.cache.hit,
        ...(judged ? { judge: judged } : {}),
        retrievalMs: Math.round((retrieval.timings.totalMs ?? 0) * 100) / 100,
        usage: asked.usage,
        model: asked.model,
        retrieved: reportPassages(ranking, retrieval.chunks, golden.qrels.get(item.id)),
      },
    });
    options.onProgress?.({ phase: 'queries', done: index + 1, total: golden.items.length, detail: `question ${item.id}` });
  }

  const retrievalNames = retrievalMetricNames(k);
  const scores = scoreRunAtCutoffs(run, golden.qrels, k, evalOptions.missingQueries);
  for (const row of rows) Object.assign(row.metrics, scores.perQuery.get(row.queryId) ?? {});
  const metricNames = [...retrievalNames, ...ANSWER_METRICS, ...(judge ? JUDGE_METRICS : [])];
  const resampling = { seed: evalOptions.seed, resamples: evalOptions.resamples, confidence: evalOptions.confidence };
  const segments = golden.items.some((item) => item.segment !== undefined)
    ? segmentBreakdown(rows, (row) => row.details.segment as string | undefined, metricNames, resampling)
    : undefined;
  const fit = calibrateRefusalThreshold(calibration);

  let runFile: string | undefined;
  if (options.runFile !== undefined) {
    runFile = resolve(options.runFile);
    await writeTrecRun(runFile, new Map([...run].map(([queryId, documents]) => [queryId, documents.slice(0, k)])));
  }

  let answersFile: string | undefined;
  if (options.answersFile !== undefined) {
    answersFile = resolve(options.answersFile);
    await writeAnswersFile(answersFile, answerLines);
  }

  const answerable = golden.items.filter((item) => item.answerable).length;
  const document = await recordEvalRun(
    gw,
    {
      kind: 'golden',
      dataset: { path: resolve(golden.path), hash: golden.hash, queries: golden.items.length },
      tenant,
      mode,
      primaryMetric: 'answer_accuracy',
      metricNames,
      rows,
      counts: {
        evaluated: golden.items.length,
        answerable,
        unanswerable: golden.items.length - answerable,
        withRelevantDocuments: golden.qrels.size,
        retrievalEvaluated: scores.counts.evaluated,
        refused: rows.filter((row) => row.details.refused === true).length,
        counterfactualAnswers: counterfactuals,
        ...(judge ? { judgeInvalidResponses: [...judgedGroundedness, ...judgedCorrectness].reduce((sum, j) => sum + j.invalidResponses, 0) } : {}),
      },
      latenciesMs,
      settings: {
        k,
        retrieveK: Math.max(k, RECALL_CUTOFF),
        topK: gw.config.retrieve.topK,
        refusalThreshold: gw.config.generate.refusalThreshold,
        correctness: 'reference token containment >= 0.5 (any of metadata.answers), else cites a relevant document',
        ...(judge ? { judge: { model: gw.chatModel.id, repeats: judgeRepeats } } : {}),
      },
      notices,
      startedAt,
      runFile,
      refusalCalibration: { threshold: fit.threshold, best: fit.best, current: gw.config.generate.refusalThreshold, rows: calibration.length },
    },
    options,
  );
  const judgeReport: JudgeReport | undefined = judge
    ? { model: gw.chatModel.id, repeats: judgeRepeats, groundedness: summarizeJudgments(judgedGroundedness), correctness: summarizeJudgments(judgedCorrectness) }
    : undefined;
  return {
    ...document,
    latency: { ...document.latency, cost: summarizeCost(costsUsd) },
    ...(segments ? { segments } : {}),
    ...(answersFile ? { answersFile } : {}),
    ...(judgeReport ? { judge: judgeReport } : {}),
  };
}

/**
 * The dollars the cost ledger recorded for an ask (every routed call of its request id), so the
 * figure is the ledger's, not recomputed. A cache hit made no model call: 0 (its request id is the
 * one of the answer it replays, whose cost was paid then).
 */
async function ledgerCost(gw: Groundwork, asked: AskResult): Promise<number> {
  if (asked.cache.hit) return 0;
  const result = await gw.db.query<{ cost: number }>('SELECT coalesce(sum(cost_usd), 0)::float8 AS cost FROM cost_ledger WHERE request_id = $1', [asked.requestId]);
  return Number(result.rows[0].cost);
}

/**
 * The judge's verdicts on one answer: groundedness of its sentences (markers removed) against the
 * passages the model saw, and correctness against the reference answer. Refusals are not judged
 * (nothing to ground; a refusal of a question with a reference scores judge_correctness 0 without a call).
 */
async function judgeAnswer(
  judge: LlmJudge,
  item: GoldenItem,
  asked: AskResult,
  passages: ReadonlyMap<string, string>,
): Promise<{ groundedness?: JudgedItem; correctness?: JudgedItem }> {
  if (asked.refused) return {};
  const sentences = citedSentences(asked.answer).map((sentence) => answerText(sentence.text)).filter((text) => text.length > 0);
  const groundedness = sentences.length > 0 ? await judge.judgeGroundedness({ sentences, context: [...passages.values()] }) : undefined;
  const correctness =
    item.reference_answer !== undefined ? await judge.judgeCorrectness({ question: item.question, answer: answerText(asked.answer), reference: item.reference_answer }) : undefined;
  return { ...(groundedness ? { groundedness } : {}), ...(correctness ? { correctness } : {}) };
}

/** The passages the answer was given, keyed by the citation label the model was told to use. */
async function contextPassages(gw: Groundwork, tenant: string, asked: AskResult): Promise<Map<string, string>> {
  const chunks = await loadChunks(gw.db, tenant, [...new Set(asked.sources.map((source) => source.chunkId))]);
  const passages = new Map<string, string>();
  for (const source of asked.sources) {
    const text = chunks.get(source.chunkId)?.text;
    if (text === undefined) continue;
    for (const label of normalizeLabel(source.label)) {
      const previous = passages.get(label);
      passages.set(label, previous === undefined ? text : `${previous}\n${text}`);
    }
  }
  return passages;
}

/**
 * What the configured answerer says when the refusal threshold is 0, for a question `ask` refused
 * for low confidence: the same path as `ask`, threshold aside.
 */
async function answeredCorrectlyWithoutThreshold(gw: Groundwork, item: GoldenItem, tenant: string, mode: RetrievalMode | undefined): Promise<boolean> {
  const result = await gw.ask({ question: item.question, tenant, mode, refusalThreshold: 0 });
  return isCorrectAnswer(item, { answer: result.answer, refused: result.refused, citedDocuments: result.citations.map((citation) => citation.externalId) });
}
