export type { Qrels, RankedDocument, Run, QueryMetrics } from './types.js';
export { parseTrecRun, readTrecRun, formatTrecRun, writeTrecRun, compareTrecEval, DEFAULT_RUN_TAG } from './trec-run.js';
export { parseQrels, readQrels } from './qrels.js';
export { hashDatasetFiles } from './dataset-hash.js';
export { readJsonl, parseJsonLine } from './read-jsonl.js';
export { loadBeirDataset, beirDocumentSchema, beirQuerySchema, DEFAULT_SPLIT, type BeirDataset, type BeirDocument, type BeirQuery } from './beir-dataset.js';
export { loadGoldenSet, parseGoldenSet, goldenQrels, goldenItemSchema, type GoldenItem, type GoldenSet } from './golden-set.js';
export { irMetricsAtK, idealDcg, countRelevant, IR_METRICS, RELEVANCE_LEVEL, type IrMetricValues } from './ir-metrics.js';
export { chunksToDocumentRanking, type ScoredChunk } from './chunks-to-document-ranking.js';
export { scoreRun, metricKey, type ScoreRunOptions, type ScoreRunResult, type MissingQueryPolicy } from './score-run.js';
export { mulberry32 } from './prng.js';
export { bootstrapCI, quantile, DEFAULT_RESAMPLES, DEFAULT_CONFIDENCE, DEFAULT_SEED, type MeanWithCI, type ResamplingOptions } from './bootstrap-ci.js';
export { pairedTest, type PairedTestResult } from './paired-test.js';
export { segmentBreakdown, type SegmentStats } from './segment-breakdown.js';
export { normalizeAnswer, exactMatch, tokenF1, answerContainment } from './answer-correctness.js';
export { groupedHoldout, DEFAULT_HOLDOUT_SHARE, type GroupedHoldout } from './grouped-holdout.js';
export { answersFileLine, writeAnswersFile, ANSWERS_FILE_VERSION, type AnswersFileLine, type AnswersFileCitation } from './answers-file.js';
export { splitCitedSentences, DEFAULT_CITATION_PATTERN, type CitedSentence } from './answer-sentences.js';
export { contentTokens, lexicalSupport, SUPPORT_THRESHOLD, type SupportResult } from './lexical-support.js';
export { citationScores, type CitationScores } from './citation-metrics.js';
export { lexicalGroundedness, type GroundednessScore } from './lexical-groundedness.js';
export { createLlmJudge, judgeAgreementRate, DEFAULT_JUDGE_REPEATS, type LlmJudge, type LlmJudgeOptions, type JudgedItem } from './llm-judge.js';
export { refusalMetrics, type RefusalMetrics, type RefusalRow } from './refusal-metrics.js';
export {
  calibrateRefusalThreshold,
  routerTrainingRows,
  type CalibrationRow,
  type CalibrationUtilities,
  type RefusalCalibration,
  type RouterTrainingRow,
  type ThresholdPoint,
} from './calibrate-refusal.js';
export { selectWorstQueries, WORST_QUERY_COUNT, type EvalReport, type ReportPassage, type ReportQuery } from './eval-report.js';
export { metricBarsSvg, differencePlotSvg, latencyHistogramSvg, escapeXml } from './svg-charts.js';
export { renderMarkdownReport } from './markdown-report.js';
export { renderHtmlReport } from './html-report.js';
export {
  formatExperimentId,
  parseExperimentId,
  experimentInputSchema,
  EXPERIMENT_ID_PATTERN,
  VERDICTS,
  type ExperimentInput,
  type ExperimentRecord,
  type ExperimentSummary,
  type Verdict,
} from './experiment-record.js';
export { createExperimentStore, type ExperimentStore, type ExperimentComparison } from './experiment-store.js';
export { resolveCodeVersion } from './code-version.js';
export { evalScore, DEFAULT_K, type EvalScoreDocument, type EvalScoreOptions } from './eval-score.js';
export { evalOptionsSchema, type EvalOptions } from './eval-options.js';
export { runBeirEval, beirTenant, beirSourceItems } from './run-beir-eval.js';
export { runGoldenEval } from './run-golden-eval.js';
export type { BeirEvalOptions, EvalQueryRow, EvalRunDocument, EvalRunOptions, EvalRunProgress, GoldenEvalOptions, LatencySummary } from './run-eval-types.js';
export { recordEvalRun, resolveEvalOptions, recordableConfig, type FinishedRun } from './run-record.js';
export { compareWithBaseline, decideVerdict, type BaselineComparison, type VerdictDecision } from './run-verdict.js';
export { buildExperimentReport, primaryMetricOf } from './run-report.js';
export {
  answerMetrics,
  answerText,
  citedSentences,
  isCorrectAnswer,
  referenceAnswers,
  documentCitationPrecision,
  referenceRecall,
  ANSWER_METRICS,
  CORRECT_REFERENCE_RECALL,
  type AnsweredQuestion,
  type AnswerMetricValues,
} from './run-answer-metrics.js';
export { retrievalMetricNames, scoreRunAtCutoffs, summarizeMetrics, summarizeLatency, HEADLINE_CUTOFF, RECALL_CUTOFF, type CutoffScores } from './run-metrics.js';
export { reportPassages, REPORT_PASSAGES, REPORT_PASSAGE_CHARS } from './run-report-passages.js';
