import type { RetrievedChunk } from '../retrieve/types.js';
import { EXTRACTIVE_MIN_COVERAGE, scoreEvidence, unitAnswers, type ScoredUnit } from './answer-extractively.js';
import { contentTerms } from './content-terms.js';
import { evidenceMismatches } from './evidence-mismatches.js';
import { expectedAnswerType, hasAnswerType, type AnswerType } from './expected-answer-type.js';

/**
 * Units checked for answer type and guard mismatches, best-scored first: the answerer quotes from
 * the top few, and the checks (regexes over question and unit) are the features' main cost.
 */
export const CHECKED_UNITS = 8;

const ANSWER_TYPES: readonly AnswerType[] = ['quantity', 'date', 'person-or-organisation', 'place', 'duration'];

/**
 * The answer-or-refuse model's inputs, in this order (the artifact stores the list and refuses a
 * model trained on another). Retrieval: top score, normalized confidence, gap between first and
 * second, agreement of the legs. Best evidence (the answerer's top-scored unit, and the best unit
 * that passes its checks): share of the question's idf weight covered with title and headings,
 * answer-type match, guard mismatches, units considered. Question: expected answer type, length.
 */
export const ANSWERABILITY_FEATURES = [
  'retrieval_confidence',
  'top_score_log',
  'second_score_ratio',
  'score_gap',
  'leg_agreement',
  'best_coverage',
  'best_own_coverage',
  'best_type_match',
  'best_mismatches',
  'best_chunk_rank',
  'eligible_coverage',
  'eligible_own_coverage',
  'coverage_margin',
  'best_uncovered_max_weight',
  'best_uncovered_terms',
  'best_bigram_share',
  'top_chunk_coverage',
  'eligible_units',
  'answers_at_default_coverage',
  'units_log',
  'question_terms',
  ...ANSWER_TYPES.map((type) => `question_expects_${type}`),
  'question_expects_none',
] as const;

/** One feature vector, by name. */
export type AnswerabilityFeatures = Record<(typeof ANSWERABILITY_FEATURES)[number], number>;

/**
 * Agreement of the retrieval legs on the top chunk: 1 when it ranks first in both the sparse and
 * the dense leg, 0.5 when top 3 in both, 0 otherwise; 0.5 (unknown) when only one leg ran.
 */
function legAgreement(chunk: RetrievedChunk | undefined): number {
  if (chunk?.scores.sparseRank === undefined || chunk.scores.denseRank === undefined) return 0.5;
  const worst = Math.max(chunk.scores.sparseRank, chunk.scores.denseRank);
  return worst <= 1 ? 1 : worst <= 3 ? 0.5 : 0;
}

/**
 * What the best unit misses of the question: the largest idf share of a question term found neither
 * in the unit nor in its title and headings (an unanswerable question written to look answerable
 * often differs from the evidence in one rare word), and the share of terms missed.
 */
function uncovered(queryTerms: readonly string[], best: ScoredUnit | undefined, idf: (term: string) => number, totalWeight: number) {
  if (best === undefined || queryTerms.length === 0) return { best_uncovered_max_weight: 1, best_uncovered_terms: 1 };
  const own = new Set(best.candidate.terms);
  const missed = queryTerms.filter((term) => !own.has(term) && !best.candidate.contextTerms.has(term));
  return { best_uncovered_max_weight: missed.reduce((max, term) => Math.max(max, idf(term) / totalWeight), 0), best_uncovered_terms: missed.length / queryTerms.length };
}

/** Share of the question's adjacent content-term pairs that are also adjacent in the best unit: phrases, not just words, match. */
function bigramShare(terms: readonly string[], best: ScoredUnit | undefined): number {
  if (best === undefined || terms.length < 2) return 0;
  const pairs = new Set(best.candidate.terms.slice(1).map((term, i) => `${best.candidate.terms[i]} ${term}`));
  let found = 0;
  for (let i = 1; i < terms.length; i++) if (pairs.has(`${terms[i - 1]} ${terms[i]}`)) found += 1;
  return found / (terms.length - 1);
}

/**
 * The features the answer-or-refuse model reads for one question and its retrieval: computed by the
 * extractive answerer's own scoring (`scoreEvidence`), so coverage means what it means there, for
 * any answerer. Ranks in `scores.sparseRank`/`denseRank` are 1-based.
 * @example answerabilityFeatures('How much is the per diem?', retrieval.chunks, retrieval.confidence)
 */
export function answerabilityFeatures(question: string, chunks: readonly RetrievedChunk[], confidence: number): AnswerabilityFeatures {
  const { queryTerms, units, idf } = scoreEvidence(question, chunks);
  const totalWeight = queryTerms.reduce((sum, term) => sum + idf(term), 0) || 1;
  const ranked = units.filter((unit) => unit.score > 0 && Number.isFinite(unit.coverage)).sort((a, b) => b.score - a.score);
  const expected = expectedAnswerType(question);
  const checked = ranked.slice(0, CHECKED_UNITS);
  const guardMemo = new Map<string, boolean>();
  const eligible: ScoredUnit[] = checked.filter((unit) => unitAnswers(question, expected, unit.candidate, guardMemo));
  const best = ranked[0];
  const bestEligible = eligible.reduce<ScoredUnit | undefined>((top, unit) => (top === undefined || unit.coverage > top.coverage ? unit : top), undefined);
  const secondCoverage = ranked.slice(1).reduce((max, unit) => Math.max(max, unit.coverage), 0);
  const top = chunks[0]?.score ?? 0;
  const second = chunks[1]?.score ?? 0;
  const bestText = best ? (best.candidate.unit.context ? `${best.candidate.unit.context}. ${best.candidate.unit.text}` : best.candidate.unit.text) : '';
  const features: AnswerabilityFeatures = {
    retrieval_confidence: confidence,
    top_score_log: Math.log1p(Math.max(0, top)),
    second_score_ratio: top > 0 ? Math.max(0, second) / top : 0,
    score_gap: top > 0 ? Math.max(0, top - second) / top : 0,
    leg_agreement: legAgreement(chunks[0]),
    best_coverage: best?.coverage ?? 0,
    best_own_coverage: best?.ownCoverage ?? 0,
    best_type_match: best !== undefined && (expected === undefined || hasAnswerType(best.candidate.unit.text, expected)) ? 1 : 0,
    best_mismatches: best === undefined ? 0 : evidenceMismatches(question, bestText).length,
    best_chunk_rank: best === undefined ? 1 : Math.min(best.candidate.rank, 10) / 10,
    eligible_coverage: bestEligible?.coverage ?? 0,
    eligible_own_coverage: bestEligible?.ownCoverage ?? 0,
    coverage_margin: (best?.coverage ?? 0) - secondCoverage,
    ...uncovered(queryTerms, best, idf, totalWeight),
    best_bigram_share: bigramShare(queryTerms.length > 0 ? contentTerms(question) : [], best), // terms in order, repeats kept: adjacent pairs
    top_chunk_coverage: ranked.filter((unit) => unit.candidate.rank === 0).reduce((max, unit) => Math.max(max, unit.coverage), 0),
    eligible_units: eligible.filter((unit) => unit.coverage >= EXTRACTIVE_MIN_COVERAGE).length / CHECKED_UNITS,
    answers_at_default_coverage: eligible.some((unit) => unit.coverage >= EXTRACTIVE_MIN_COVERAGE) ? 1 : 0,
    units_log: Math.log1p(units.length),
    question_terms: Math.min(queryTerms.length, 20) / 20,
    question_expects_none: expected === undefined ? 1 : 0,
    ...(Object.fromEntries(ANSWER_TYPES.map((type) => [`question_expects_${type}`, expected === type ? 1 : 0])) as Record<`question_expects_${AnswerType}`, number>),
  };
  // A question without content terms has no coverage at all: every share is 0, not NaN.
  for (const name of ANSWERABILITY_FEATURES) if (!Number.isFinite(features[name])) features[name] = 0;
  return features;
}

/** The features as a vector in ANSWERABILITY_FEATURES order. */
export function featureVector(features: AnswerabilityFeatures, names: readonly string[] = ANSWERABILITY_FEATURES): number[] {
  return names.map((name) => features[name as keyof AnswerabilityFeatures] ?? 0);
}
