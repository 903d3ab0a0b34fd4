import { parseCitationMarkers } from '../generate/parse-citation-markers.js';
import { splitCitedSentences, type CitedSentence } from './answer-sentences.js';
import { answerContainment, exactMatch, normalizeAnswer, tokenF1 } from './answer-correctness.js';
import { citationScores } from './citation-metrics.js';
import type { GoldenItem } from './golden-set.js';
import { lexicalGroundedness } from './lexical-groundedness.js';

/**
 * Share of the reference's tokens the answer must contain to count as correct. Extractive answers
 * quote whole sentences, so a correct answer ("The per diem is EUR 60 per day [Source: ...]") has a
 * low F1 against a short reference ("EUR 60 per day") but contains it: containment at one half,
 * SQuAD-normalized, accepts paraphrased units while rejecting answers that share one word.
 */
export const CORRECT_REFERENCE_RECALL = 0.5;

/** groundwork's citation marker `[Source: <title or file>, page N]`; group 1 is the marker's content. */
const SOURCE_MARKER = /\[\s*(Source\s*:[^\]\n]*)\]/gi;

/** What the answer metrics need from an answer. */
export interface AnsweredQuestion {
  answer: string;
  refused: boolean;
  /** External ids of the documents the answer cites. */
  citedDocuments: readonly string[];
  /** Context passages the model was given, keyed by the citation label it was told to use. */
  passages: ReadonlyMap<string, string>;
}

/** Per-question answer metrics; a metric that does not apply to the question is absent. */
export interface AnswerMetricValues {
  metrics: Record<string, number>;
  /** Whether the answer, if given, is correct (see `isCorrectAnswer`). */
  correct: boolean;
}

/** The answer without citation markers, as scored against references. */
export function answerText(answer: string): string {
  return answer.replace(SOURCE_MARKER, ' ').replace(/\s+/g, ' ').trim();
}

/** Share of the reference's normalized tokens (as a multiset) present in the prediction. */
export function referenceRecall(prediction: string, reference: string): number {
  const expected = normalizeAnswer(reference).split(' ').filter(Boolean);
  if (expected.length === 0) return 1;
  const available = new Map<string, number>();
  for (const token of normalizeAnswer(prediction).split(' ').filter(Boolean)) available.set(token, (available.get(token) ?? 0) + 1);
  let found = 0;
  for (const token of expected) {
    const left = available.get(token) ?? 0;
    if (left > 0) {
      found += 1;
      available.set(token, left - 1);
    }
  }
  return found / expected.length;
}

/**
 * The reference answers of a golden item: `metadata.answers` (every annotator's answer, as SQuAD
 * ships them) when it is a non-empty list of strings, with `reference_answer` first; else
 * `reference_answer` alone; empty when the item has neither.
 */
export function referenceAnswers(item: Pick<GoldenItem, 'reference_answer' | 'metadata'>): string[] {
  const listed = Array.isArray(item.metadata?.answers) ? item.metadata.answers.filter((answer): answer is string => typeof answer === 'string' && answer.trim().length > 0) : [];
  const all = item.reference_answer === undefined ? listed : [item.reference_answer, ...listed];
  return [...new Set(all)];
}

/**
 * Share of the answer's cited documents that are among the item's `relevant_doc_ids` (document-level
 * citation precision); undefined when nothing is cited or the item names no relevant documents.
 */
export function documentCitationPrecision(citedDocuments: readonly string[], relevantDocIds: readonly string[]): number | undefined {
  const cited = [...new Set(citedDocuments)];
  if (cited.length === 0 || relevantDocIds.length === 0) return undefined;
  return cited.filter((id) => relevantDocIds.includes(id)).length / cited.length;
}

/**
 * Whether an answer (not a refusal) is correct: with a reference answer, it contains at least
 * CORRECT_REFERENCE_RECALL of the reference's tokens; without one, it cites a relevant document;
 * with neither, any non-refused answer counts (nothing to check it against).
 */
export function isCorrectAnswer(item: GoldenItem, answer: Pick<AnsweredQuestion, 'answer' | 'refused' | 'citedDocuments'>): boolean {
  if (answer.refused || !item.answerable) return false;
  const references = referenceAnswers(item);
  if (references.length > 0) {
    const text = answerText(answer.answer);
    return references.some((reference) => referenceRecall(text, reference) >= CORRECT_REFERENCE_RECALL);
  }
  if (item.relevant_doc_ids.length > 0) return answer.citedDocuments.some((id) => item.relevant_doc_ids.includes(id));
  return true;
}

/** Normalizes a citation label or marker content to `[Source: <name>, page N]`. */
export function normalizeLabel(label: string): string[] {
  const text = label.startsWith('[') ? label : `[${label}]`;
  return parseCitationMarkers(text).map((marker) => marker.marker);
}

// Matches nothing: splits text into sentences without pulling out any marker.
const NO_MARKER = /(?!)/g;
const HAS_WORD = /[\p{L}\p{N}]/u;

/**
 * Splits a groundwork answer into sentences with the labels they cite. A `[Source: ...]` marker
 * cites the sentence right before it (groundwork's prompt and the extractive answerer put markers
 * after the sentence they support); consecutive markers cite the same sentence; sentences with no
 * marker after them are uncited (they lower citation recall). Labels are normalized like
 * `AnswerSource.label`.
 */
export function citedSentences(answer: string): CitedSentence[] {
  const sentences: CitedSentence[] = [];
  const pieces = (text: string) => splitCitedSentences(text, NO_MARKER).filter((sentence) => HAS_WORD.test(sentence.text));
  let cursor = 0;
  for (const match of answer.matchAll(SOURCE_MARKER)) {
    const before = pieces(answer.slice(cursor, match.index));
    sentences.push(...before);
    const target = sentences[sentences.length - 1];
    if (target !== undefined) target.citations.push(...normalizeLabel(match[1]));
    cursor = (match.index ?? 0) + match[0].length;
  }
  sentences.push(...pieces(answer.slice(cursor)));
  return sentences;
}

/**
 * Answer metrics of one golden question:
 * - `answer_accuracy`: answerable and answered correctly, or unanswerable and refused (primary metric);
 * - `refusal_accuracy` (unanswerable only): refused; `false_refusal_rate` (answerable only): refused;
 * - `answer_containment` (answerable, with a reference): a normalized reference appears in the answer
 *   (SQuAD normalization; any of `metadata.answers`); a refusal scores 0;
 * - `token_f1`, `exact_match`, `reference_recall` (with a reference answer; the max over
 *   `metadata.answers` when given; a refusal scores as its text);
 * - `citation_doc_precision` (answers given, item with `relevant_doc_ids`): share of the cited
 *   documents that are relevant (`documentCitationPrecision`);
 * - `citation_precision`, `citation_recall`, `groundedness` (answers given, not refusals): the lexical
 *   support baseline over the passages the model saw (`citationScores`, `lexicalGroundedness`).
 */
export function answerMetrics(item: GoldenItem, answered: AnsweredQuestion, supportThreshold: number): AnswerMetricValues {
  const metrics: Record<string, number> = {};
  const correct = isCorrectAnswer(item, answered);
  metrics.answer_accuracy = (item.answerable ? correct : answered.refused) ? 1 : 0;
  if (item.answerable) metrics.false_refusal_rate = answered.refused ? 1 : 0;
  else metrics.refusal_accuracy = answered.refused ? 1 : 0;
  const references = referenceAnswers(item);
  if (references.length > 0) {
    const text = answerText(answered.answer);
    if (item.answerable) metrics.answer_containment = answered.refused ? 0 : answerContainment(text, references);
    metrics.token_f1 = tokenF1(text, references);
    metrics.exact_match = exactMatch(text, references);
    metrics.reference_recall = Math.max(...references.map((reference) => referenceRecall(text, reference)));
  }
  if (!answered.refused) {
    const documentPrecision = documentCitationPrecision(answered.citedDocuments, item.relevant_doc_ids);
    if (documentPrecision !== undefined) metrics.citation_doc_precision = documentPrecision;
    const sentences = citedSentences(answered.answer);
    const citations = citationScores(sentences, answered.passages, supportThreshold);
    if (citations.precision !== undefined) metrics.citation_precision = citations.precision;
    if (sentences.length > 0) metrics.citation_recall = citations.recall;
    const grounded = lexicalGroundedness(sentences, [...answered.passages.values()], supportThreshold);
    if (grounded.score !== undefined) metrics.groundedness = grounded.score;
  }
  return { metrics, correct };
}

/** Answer metric names in report order. */
export const ANSWER_METRICS = [
  'answer_accuracy',
  'refusal_accuracy',
  'false_refusal_rate',
  'answer_containment',
  'token_f1',
  'exact_match',
  'reference_recall',
  'citation_precision',
  'citation_doc_precision',
  'citation_recall',
  'groundedness',
] as const;
