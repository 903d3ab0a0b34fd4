import { stemmer } from 'stemmer';
import { isRefusal } from '../generate/refusal.js';
import { neutralizeMarkup } from '../neutralize-markup.js';

/** What the cascade checks: the answer stage passes its results in this shape. */
export interface AnswerCheckInput {
  answer: string;
  /** Citations as the answer stage resolved them: the cited context id and, when known, the quoted text. */
  citations: Array<{ sourceId: string; quote?: string }>;
  /** The context the model was given. */
  context: Array<{ id: string; text: string }>;
  /** Retrieval confidence in [0, 1] (RetrieveResult.confidence). */
  retrievalConfidence: number;
}

/** Thresholds of the cascade's answer check (defaults in routerOptionsSchema.cascade). */
export interface AnswerCheckThresholds {
  /** Share of answer content terms found in the context. */
  minGroundedness: number;
  /** Share of answer sentences supported by one of the contexts they cite. */
  minCoverage: number;
  /** Share of a sentence's content terms a cited context must hold for the sentence to count as supported. */
  sentenceSupport: number;
  /** At or above this retrieval confidence a refusal counts as a failure (the documents likely hold the answer). */
  highRetrievalConfidence: number;
}

export interface AnswerCheckResult {
  pass: boolean;
  refused: boolean;
  /** Why it failed; empty when it passed. */
  reasons: string[];
  groundedness: number;
  coverage: number;
  invalidCitations: string[];
}

/** Function words ignored when measuring support (they match anywhere and prove nothing). */
const STOPWORDS = new Set(
  'a an the and or but if of to in on at by for with from as is are was were be been being it its this that these those there here which who whom what when where why how do does did not no so than then too very can will would should could may might must has have had i you he she we they them our your their his her my me us about into over under also just only any all each such more most other some'.split(' '),
);

/** The one refusal detector, shared with the answerer (see src/generate/refusal.ts). */
export { isRefusal };

/** Lower-cased, stemmed content terms of a text. `stems` memoizes stemming within one call. */
export function contentTerms(text: string, stems: Map<string, string> = new Map()): string[] {
  const out: string[] = [];
  for (const token of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (STOPWORDS.has(token)) continue;
    let stem = stems.get(token);
    if (stem === undefined) {
      stem = stemmer(token);
      stems.set(token, stem);
    }
    out.push(stem);
  }
  return out;
}

// Quotes leave the answer stage with markup neutralized (documents are data); compare in that form.
const normalize = (text: string) => neutralizeMarkup(text).toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The cascade's answer check, a pure function. It fails when a citation points outside the
 * context or quotes text the context lacks; when the answer (not a refusal) cites nothing;
 * when too few answer sentences are supported by what they cite (coverage); when too few
 * answer terms occur in the context (groundedness); or when the answer refuses although
 * retrieval confidence is high.
 */
export function checkAnswer(input: AnswerCheckInput, thresholds: AnswerCheckThresholds): AnswerCheckResult {
  const reasons: string[] = [];
  const contextById = new Map(input.context.map((c) => [c.id, c]));
  const invalidCitations = input.citations
    .filter((c) => {
      const source = contextById.get(c.sourceId);
      return !source || (c.quote !== undefined && !normalize(source.text).includes(normalize(c.quote)));
    })
    .map((c) => c.sourceId);
  if (invalidCitations.length > 0) reasons.push(`invalid citations: ${[...new Set(invalidCitations)].join(', ')}`);

  // Judged as the answerer judges it: the same detector, with the answer's citations.
  const refused = isRefusal(input.answer, input.citations.length);
  if (refused) {
    if (input.retrievalConfidence >= thresholds.highRetrievalConfidence) {
      reasons.push(`refused although retrieval confidence ${input.retrievalConfidence.toFixed(2)} >= ${thresholds.highRetrievalConfidence}`);
    }
    return { pass: reasons.length === 0, refused, reasons, groundedness: 1, coverage: 1, invalidCitations };
  }

  const stems = new Map<string, string>();
  const answerTerms = contentTerms(stripMarkers(input.answer), stems);
  const termsById = new Map(input.context.map((c) => [c.id, new Set(contentTerms(c.text, stems))]));
  const contextTerms = new Set<string>();
  for (const terms of termsById.values()) for (const t of terms) contextTerms.add(t);
  const groundedness = answerTerms.length === 0 ? 0 : answerTerms.filter((t) => contextTerms.has(t)).length / answerTerms.length;

  const citedTermSets = [...new Set(input.citations.map((c) => c.sourceId))].map((id) => termsById.get(id)).filter((set) => set !== undefined);
  const sentences = splitSentences(input.answer)
    .map((sentence) => contentTerms(sentence, stems))
    .filter((terms) => terms.length > 0);
  const supported = sentences.filter((terms) => citedTermSets.some((set) => terms.filter((t) => set.has(t)).length / terms.length >= thresholds.sentenceSupport));
  const coverage = sentences.length === 0 ? 0 : supported.length / sentences.length;

  if (input.citations.length === 0) reasons.push('answer cites nothing');
  if (coverage < thresholds.minCoverage) reasons.push(`coverage ${coverage.toFixed(2)} < ${thresholds.minCoverage}`);
  if (groundedness < thresholds.minGroundedness) reasons.push(`groundedness ${groundedness.toFixed(2)} < ${thresholds.minGroundedness}`);
  return { pass: reasons.length === 0, refused, reasons, groundedness, coverage, invalidCitations };
}

/** Removes citation markers like [1] or [doc-3] (they are not claims). */
const stripMarkers = (text: string) => text.replace(/\[[^\]]*\]/g, ' ');

function splitSentences(text: string): string[] {
  return stripMarkers(text)
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
