import { resolve } from 'node:path';
import { answerQuestion } from '../generate/answer-question.js';
import { createTiktokenCounter } from '../generate/tiktoken-counter.js';
import type { AskResult, Groundwork } from '../groundwork.js';
import { loadChunks } from '../retrieve/retriever.js';
import type { RetrievalMode } from '../retrieve/types.js';
import { calibrateRefusalThreshold, type CalibrationRow } from './calibrate-refusal.js';
import { chunksToDocumentRanking } from './chunks-to-document-ranking.js';
import { loadGoldenSet, type GoldenItem } from './golden-set.js';
import { answerMetrics, ANSWER_METRICS, isCorrectAnswer, normalizeLabel } from './run-answer-metrics.js';
import { reportPassages } from './run-report-passages.js';
import type { EvalQueryRow, EvalRunDocument, GoldenEvalOptions } from './run-eval-types.js';
import { RECALL_CUTOFF, retrievalMetricNames, scoreRunAtCutoffs } from './run-metrics.js';
import { recordEvalRun, resolveEvalOptions } from './run-record.js';
import { segmentBreakdown } from './segment-breakdown.js';
import { writeTrecRun } from './trec-run.js';
import type { Run } from './types.js';

/** Longest answer text kept per question in the experiment (for reports). */
const STORED_ANSWER_CHARS = 2000;

/**
 * Evaluates answering on a golden set over documents already ingested in the tenant (default: the
 * configured one); `relevant_doc_ids` are document external ids. Per question it retrieves the
 * document ranking (`retrieve({k: max(k, 100)})`, best chunk per document) for the IR metrics, then
 * calls `ask` for the answer metrics (see `answerMetrics`), latency and usage. Each row keeps
 * (retrieval confidence, answerable, correct) and the run fits the refusal threshold with
 * `calibrateRefusalThreshold`. For questions refused because the confidence was under the current
 * threshold, "correct" is what the same answerer says with the threshold at 0, so the fit is not
 * biased toward the threshold in force. The primary metric (the verdict's) is `answer_accuracy`.
 */
export async function runGoldenEval(gw: Groundwork, options: GoldenEvalOptions): Promise<EvalRunDocument> {
  const startedAt = performance.now();
  const evalOptions = resolveEvalOptions(gw, options);
  const k = options.k ?? evalOptions.k;
  const golden = await loadGoldenSet(options.golden);
  const tenant = options.tenant ?? gw.config.tenant;
  const notices: string[] = [...gw.notices];
  const stored = await gw.db.query<{ count: number }>('SELECT count(*)::int AS count FROM documents WHERE tenant = $1', [tenant]);
  if (stored.rows[0].count === 0) notices.push(`tenant ${tenant} has no documents: ingest the corpus the golden set was written for first`);
  else {
    const known = await gw.db.query<{ external_id: string }>('SELECT external_id FROM documents WHERE tenant = $1 AND external_id = ANY($2::text[])', [
      tenant,
      [...new Set(golden.items.flatMap((item) => item.relevant_doc_ids))],
    ]);
    const found = new Set(known.rows.map((row) => row.external_id));
    const missing = [...new Set(golden.items.flatMap((item) => item.relevant_doc_ids))].filter((id) => !found.has(id));
    if (missing.length > 0) notices.push(`${missing.length} relevant_doc_ids are not documents of tenant ${tenant}, e.g. ${missing.slice(0, 3).join(', ')}`);
  }

  const tokenCounter = createTiktokenCounter(gw.config.generate.encoding);
  const run: Run = new Map();
  const rows: EvalQueryRow[] = [];
  const latenciesMs: number[] = [];
  const calibration: CalibrationRow[] = [];
  let mode: RetrievalMode = options.mode ?? gw.config.retrieve.mode;
  let counterfactuals = 0;
  for (const [index, item] of golden.items.entries()) {
    const retrieval = await gw.retrieve({ query: item.question, tenant, mode: options.mode, k: Math.max(k, RECALL_CUTOFF) });
    mode = retrieval.mode;
    const ranking = chunksToDocumentRanking(retrieval.chunks.map((chunk) => ({ externalId: chunk.externalId, score: chunk.score })));
    run.set(item.id, ranking);
    const asked = await gw.ask({ question: item.question, tenant, mode: options.mode });
    latenciesMs.push(asked.latencyMs);
    const passages = await contextPassages(gw, tenant, asked);
    const citedDocuments = [...new Set(asked.citations.map((citation) => citation.externalId))];
    const answered = { answer: asked.answer, refused: asked.refused, citedDocuments, passages };
    const scored = answerMetrics(item, answered, evalOptions.supportThreshold);
    let correctIfAnswered = scored.correct;
    if (asked.refusalReason === 'low-confidence' && item.answerable) {
      counterfactuals += 1;
      correctIfAnswered = await answeredCorrectlyWithoutThreshold(gw, item, tenant, options.mode, tokenCounter);
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
  const metricNames = [...retrievalNames, ...ANSWER_METRICS];
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
      },
      latenciesMs,
      settings: {
        k,
        retrieveK: Math.max(k, RECALL_CUTOFF),
        topK: gw.config.retrieve.topK,
        refusalThreshold: gw.config.generate.refusalThreshold,
        correctness: 'reference token containment >= 0.5, else cites a relevant document',
      },
      notices,
      startedAt,
      runFile,
      refusalCalibration: { threshold: fit.threshold, best: fit.best, current: gw.config.generate.refusalThreshold, rows: calibration.length },
    },
    options,
  );
  return { ...document, ...(segments ? { segments } : {}) };
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
 * for low confidence: the same retrieval and answer settings as `ask` (groundwork.ts), threshold aside.
 */
async function answeredCorrectlyWithoutThreshold(
  gw: Groundwork,
  item: GoldenItem,
  tenant: string,
  mode: RetrievalMode | undefined,
  tokenCounter: ReturnType<typeof createTiktokenCounter>,
): Promise<boolean> {
  const retrieval = await gw.retrieve({ query: item.question, tenant, mode });
  if (gw.reranker) retrieval.chunks = retrieval.chunks.slice(0, gw.config.retrieve.topN);
  const generate = gw.config.generate;
  const result = await answerQuestion({
    question: item.question,
    retrieval,
    chatModel: gw.chatModel,
    refusalThreshold: 0,
    tokenCounter,
    maxContextTokens: generate.maxContextTokens,
    maxOutputTokens: generate.maxOutputTokens,
    temperature: generate.temperature,
    historyShare: generate.historyShare,
  });
  return isCorrectAnswer(item, { answer: result.answer, refused: result.refused, citedDocuments: result.citations.map((citation) => citation.externalId) });
}
