import { neutralizeMarkup } from '../neutralize-markup.js';
import type { RetrievedChunk } from '../retrieve/types.js';
import { citationLabel } from './citation-label.js';
import { chunkReference, type Citation } from './citation-types.js';
import { contentTerms } from './content-terms.js';
import { DEFAULT_EXTRACTIVE_MAX_SENTENCES } from './extractive-options.js';
import { REFUSAL_TEXT } from './refusal.js';
import { passageMismatches, sentenceMismatches } from './evidence-mismatches.js';
import { evidenceUnits, type EvidenceUnit } from './evidence-units.js';
import { expectedAnswerType, hasAnswerType, withoutQuestionNumbers, type AnswerType } from './expected-answer-type.js';
import { shortenAroundClause } from './whole-sentence.js';
import { recentMemo } from '../recent-memo.js';

/** BM25 saturation and length normalization: Lucene's defaults (Robertson and Zaragoza 2009 ranges). */
const BM25_K1 = 1.2;
const BM25_B = 0.75;
/** Position priors: a chunk ranked r weighs 1/(1 + 0.15 r); sentence s of a chunk 1/(1 + 0.05 s). */
const RANK_DECAY = 0.15;
const POSITION_DECAY = 0.05;
/**
 * A sentence must hold at least this share of the question's topic weight (idf mass of its content
 * terms) to be quoted; below it for every sentence, the answer is the refusal. Half the weight, so a
 * sentence sharing one incidental word with the question is not an answer. 0.45, tuned on the
 * tuning articles of bench/answers.ts and samples/golden.jsonl (0.5 before neighbouring sentences
 * counted: see NEIGHBOUR_SCORE_WEIGHT).
 */
export const EXTRACTIVE_MIN_COVERAGE = 0.45;
/**
 * A sentence from a document other than the best answer's is added only when it carries its own
 * support (its own text covers EXTRACTIVE_MIN_COVERAGE of the question, title and headings not
 * counted) and scores at least this share of the best answer: otherwise neighbouring documents
 * that repeat the topic get cited for an answer they do not hold.
 */
export const OTHER_DOCUMENT_SCORE_SHARE = 0.8;
/**
 * A further quote from the same document needs this share of the coverage floor from its own
 * text: title and headings are context for the best unit, but a second sentence that matches the
 * question only through its heading ("EUR 85 per person" for business entertainment, under the
 * same policy title as the per diem) adds nothing but noise.
 */
export const FURTHER_QUOTE_OWN_SHARE = 0.5;
/**
 * Question terms found only in a unit's title or headings score this share of what they would if
 * the unit said them once. 1: the title is part of every sentence under it (tune on the tuning
 * articles of bench/answers.ts, never the held-out ones).
 */
const CONTEXT_TERM_WEIGHT = 1;
/**
 * The sentences just before and after a unit in its chunk are its passage: a question's terms often
 * sit in the sentence that introduces the topic ("Destiny's Child ... Their hiatus saw the release of
 * her debut album (2003)"). Terms found only there count as covered (the answer-or-refuse floor reads
 * the passage) and score this share of what the unit's own mention would (selection still prefers
 * the sentence that says them). Measured on the tuning articles: false refusal 0.31 -> 0.24 at
 * equal coverage floor, containment 0.53 -> 0.58.
 */
const NEIGHBOUR_SCORE_WEIGHT = 0.5;
/** Sentences on each side of a unit that form its passage. */
const NEIGHBOURS = 1;

/**
 * The extractive answerer's behaviour version: part of the answer cache's scope, so answers cached
 * by an earlier answerer are not served after an upgrade. Bump it when what it quotes can change.
 */
export const EXTRACTIVE_ANSWERER_VERSION = 'passage-reading-5';

/** Tuning of the extractive answerer. */
export interface ExtractiveOptions {
  maxSentences?: number;
  minCoverage?: number;
}

/** An extractive answer: quoted, cited sentences, or the refusal. */
export interface ExtractiveAnswer {
  /** Quoted sentences, each followed by its citation marker; or exactly the refusal. */
  text: string;
  citations: Citation[];
  refused: boolean;
}

/** A unit with the chunk and rank it came from. */
export interface Candidate {
  chunk: RetrievedChunk;
  rank: number;
  unit: EvidenceUnit;
  terms: string[];
  contextTerms: Set<string>;
  /** Terms of the sentences just before and after the unit in its chunk (its passage, NEIGHBOURS each side). */
  neighbourTerms: Set<string>;
  /**
   * Where the number and entity guards look: the chunk's title and headings and its whole text. A
   * question naming "Destiny's Child" is not a swap when the answer sentence says "the group" and
   * the chunk names it.
   */
  guardText: string;
}

/** One answer unit scored against the question. */
export interface ScoredUnit {
  candidate: Candidate;
  /** Share of the question's idf weight the unit covers, title and headings included. */
  coverage: number;
  /** The same share from the unit's own text. */
  ownCoverage: number;
  /** The answerer's ranking score (BM25 with context terms, priors, coverage squared); 0: no own term. */
  score: number;
}

/** Every answer unit of the chunks scored against the question: what the answerer and the answerability features read. */
export interface EvidenceScores {
  queryTerms: string[];
  units: ScoredUnit[];
  idf: (term: string) => number;
}

/**
 * Scores the answer units of the retrieved chunks against the question's content terms (BM25 over
 * the units, rank and position priors, coverage with title and headings). Shared by
 * `answerExtractively` and `answerabilityFeatures`, so the decision reads the answerer's coverage.
 */
export function scoreEvidence(question: string, chunks: readonly RetrievedChunk[]): EvidenceScores {
  // The answer-or-refuse decision scores the evidence, then the answerer scores the same question
  // over the same chunks (as new objects, from the packed prompt): the last result is kept, keyed
  // by everything the scoring reads, so the second call is free.
  const key = evidenceKey(question, chunks);
  if (lastScored?.key === key) return lastScored.scores;
  const scores = scoreEvidenceUncached(question, chunks);
  lastScored = { key, scores };
  return scores;
}

/** The most recent scoreEvidence result and its key (one entry: a decision and its answer run back to back). */
let lastScored: { key: string; scores: EvidenceScores } | undefined;

function evidenceKey(question: string, chunks: readonly RetrievedChunk[]): string {
  const parts = [question];
  // The scores hold the chunk objects they were computed from: every field a citation reads is keyed.
  for (const chunk of chunks) parts.push(`${chunk.chunkId}:${chunk.documentId}:${chunk.documentVersion}:${chunk.externalId}:${chunk.page ?? ''}:${chunk.ordinal}`, chunk.source, chunk.title, chunk.headingPath.join('\u0001'), chunk.text, chunk.edges?.before ?? '\u0002', chunk.edges?.after ?? '\u0002');
  return parts.join('\u0000');
}

/** What reading a chunk gives, whatever the question: its answer units, their terms, its title and headings' terms. */
interface ChunkReading {
  units: EvidenceUnit[];
  unitTerms: string[][];
  neighbourTerms: Array<Set<string>>;
  contextTerms: Set<string>;
  guardText: string;
}

/** The 512 chunks read lately, by everything evidenceUnits reads (the same chunks come back for question after question). */
const readings = recentMemo<ChunkReading>(512);

/** Forgets every chunk reading and the last scores (bench/answers.ts times a first reading with it). */
export function clearChunkReadings(): void {
  readings.clear();
  lastScored = undefined;
}

function readChunk(chunk: RetrievedChunk): ChunkReading {
  const key = [chunk.title, chunk.headingPath.join('\u0001'), chunk.text, chunk.edges?.before ?? '\u0002', chunk.edges?.after ?? '\u0002'].join('\u0000');
  return readings.get(key, () => readChunkUncached(chunk));
}

function readChunkUncached(chunk: RetrievedChunk): ChunkReading {
  const units = evidenceUnits(chunk);
  const contextTerms = new Set(units.length > 0 ? contentTerms(units[0].context) : []);
  const guardText = units.length > 0 && units[0].context ? `${units[0].context}. ${chunk.text}` : chunk.text;
  const unitTerms = units.map((unit) => contentTerms(unit.text));
  const neighbourTerms = units.map((_, i) => {
    const terms = new Set<string>();
    for (let j = Math.max(0, i - NEIGHBOURS); j <= Math.min(units.length - 1, i + NEIGHBOURS); j++) {
      if (j !== i) for (const term of unitTerms[j]) terms.add(term);
    }
    return terms;
  });
  return { units, unitTerms, neighbourTerms, contextTerms, guardText };
}

function scoreEvidenceUncached(question: string, chunks: readonly RetrievedChunk[]): EvidenceScores {
  const queryTerms = [...new Set(contentTerms(question))];
  const candidates: Candidate[] = [];
  chunks.forEach((chunk, rank) => {
    const { units, unitTerms, neighbourTerms, contextTerms, guardText } = readChunk(chunk);
    units.forEach((unit, i) => {
      candidates.push({ chunk, rank, unit, terms: unitTerms[i], contextTerms, neighbourTerms: neighbourTerms[i], guardText });
    });
  });

  const documentFrequency = new Map<string, number>();
  for (const candidate of candidates) {
    for (const term of new Set(candidate.terms)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const count = candidates.length;
  // Lucene's BM25 idf, always positive: ln(1 + (N - df + 0.5) / (df + 0.5)).
  const idf = (term: string) => {
    const df = documentFrequency.get(term) ?? 0;
    return Math.log(1 + (count - df + 0.5) / (df + 0.5));
  };
  const totalWeight = queryTerms.reduce((sum, term) => sum + idf(term), 0);
  const averageLength = candidates.reduce((sum, candidate) => sum + candidate.terms.length, 0) / count || 1;

  const units = candidates.map((candidate): ScoredUnit => {
    const frequency = new Map<string, number>();
    for (const term of candidate.terms) frequency.set(term, (frequency.get(term) ?? 0) + 1);
    let bm25 = 0;
    let own = 0;
    let fromContext = 0;
    let fromNeighbours = 0;
    const norm = BM25_K1 * (1 - BM25_B + (BM25_B * candidate.terms.length) / averageLength);
    let bm25Context = 0;
    for (const term of queryTerms) {
      const tf = frequency.get(term) ?? 0;
      if (tf === 0) {
        if (!candidate.contextTerms.has(term)) {
          if (candidate.neighbourTerms.has(term)) {
            // Said by a neighbouring sentence: covered, and scored at a share of a mention of its own.
            fromContext += idf(term);
            fromNeighbours += idf(term);
            bm25Context += (NEIGHBOUR_SCORE_WEIGHT * idf(term) * (BM25_K1 + 1)) / (1 + norm);
          }
          continue;
        }
        // A term of the title or headings scores as if the unit said it once.
        fromContext += idf(term);
        bm25Context += (idf(term) * (BM25_K1 + 1)) / (1 + norm);
        continue;
      }
      own += idf(term);
      bm25 += (idf(term) * tf * (BM25_K1 + 1)) / (tf + norm);
    }
    const prior = 1 / (1 + RANK_DECAY * candidate.rank) / (1 + POSITION_DECAY * candidate.unit.position);
    return {
      candidate,
      coverage: (own + fromContext) / totalWeight,
      ownCoverage: own / totalWeight,
      // A unit must hold a question term itself: its title alone does not make it an answer.
      // Times coverage squared: of two units that both cover enough, the one holding more of the
      // question's weight wins even when it is longer (a table row against a short sentence).
      // Neighbours' terms count toward the floor, not here: of two sentences that both cover the
      // question with their passage, the one saying it first ("EUR 60 per day for meals when
      // travelling overnight" before its neighbour "on the day of departure, EUR 45").
      score: bm25 > 0 ? (bm25 + CONTEXT_TERM_WEIGHT * bm25Context) * prior * ((own + fromContext - fromNeighbours) / totalWeight) ** 2 : 0,
    };
  });
  return { queryTerms, units, idf };
}

/**
 * Whether a unit can be the question's answer: it holds the expected answer type (when the question
 * asks for one) and the answer cache's guards find no mismatch: numbers and entities against the
 * unit's chunk with its title and headings (`guardText`: a name the sentence refers to as "she" or
 * "the group" is not a swap), negation and comparison against the unit itself.
 */
export function unitAnswers(question: string, expected: AnswerType | undefined, candidate: Pick<Candidate, 'unit' | 'guardText'>, guardMemo?: Map<string, boolean>): boolean {
  // The question's own numbers are not an answer: a quantity, duration or date must be another.
  if (expected !== undefined && !hasAnswerType(expected === 'person-or-organisation' || expected === 'place' ? candidate.unit.text : withoutQuestionNumbers(candidate.unit.text, question), expected)) return false;
  // The passage checks are the same for every unit of a chunk: once per chunk and question.
  let passageOk = guardMemo?.get(candidate.guardText);
  if (passageOk === undefined) {
    passageOk = passageMismatches(question, candidate.guardText).length === 0;
    guardMemo?.set(candidate.guardText, passageOk);
  }
  if (!passageOk) return false;
  return sentenceMismatches(question, candidate.unit.context ? `${candidate.unit.context}. ${candidate.unit.text}` : candidate.unit.text).length === 0;
}

/**
 * The offline answerer: reads the retrieved chunks as answer units (whole sentences, completed
 * across chunk boundaries, and Markdown table rows with their header: `evidenceUnits`), scores each
 * against the question's content terms (BM25 over the units, times rank and position priors; terms
 * found in the chunk's title and headings count as covered), keeps units of the type the question
 * asks for (`expectedAnswerType`) on which the answer cache's guards find no mismatch
 * (`evidenceMismatches`), quotes the best ones and cites each as `[Source: <title or file>, page N]`.
 * Units from a second document are quoted only with their own support. Refuses with exactly
 * "I don't have enough information." when no unit covers enough of the question. Overlong sentences
 * are shortened around the answer-bearing clause, with an ellipsis. Quotes and titles leave with their markup
 * neutralized (`‹script›`): documents are data, whatever the loader that stored them let through.
 * @example answerExtractively('How long is the warranty?', retrieval.chunks, { maxSentences: 2 })
 */
export function answerExtractively(question: string, chunks: readonly RetrievedChunk[], options: ExtractiveOptions = {}): ExtractiveAnswer {
  const maxSentences = options.maxSentences ?? DEFAULT_EXTRACTIVE_MAX_SENTENCES;
  const minCoverage = options.minCoverage ?? EXTRACTIVE_MIN_COVERAGE;
  const refusal: ExtractiveAnswer = { text: REFUSAL_TEXT, citations: [], refused: true };
  const { queryTerms, units: scored, idf } = scoreEvidence(question, chunks);
  if (queryTerms.length === 0 || scored.length === 0) return refusal;

  const expected = expectedAnswerType(question);
  const guardMemo = new Map<string, boolean>();
  const answers = (entry: ScoredUnit) => unitAnswers(question, expected, entry.candidate, guardMemo);
  const chosen: typeof scored = [];
  const seenText = new Set<string>();
  for (const entry of scored.filter((item) => item.score > 0 && item.coverage >= minCoverage).sort((a, b) => b.score - a.score)) {
    const key = entry.candidate.unit.text.toLowerCase();
    if (seenText.has(key)) continue; // overlapping chunks repeat sentences
    const best = chosen[0];
    const otherDocument = best !== undefined && !chosen.some((kept) => kept.candidate.chunk.documentId === entry.candidate.chunk.documentId);
    if (otherDocument && (entry.ownCoverage < minCoverage || entry.score < OTHER_DOCUMENT_SCORE_SHARE * best.score)) continue;
    if (best !== undefined && entry.ownCoverage < FURTHER_QUOTE_OWN_SHARE * minCoverage) continue;
    if (!answers(entry)) continue;
    seenText.add(key);
    chosen.push(entry);
    if (chosen.length >= maxSentences) break;
  }
  if (chosen.length === 0) return refusal;

  // Clause relevance for shortening: the idf of the question terms a clause holds.
  const querySet = new Set(queryTerms);
  const relevance = (clause: string) => [...new Set(contentTerms(clause))].filter((term) => querySet.has(term)).reduce((sum, term) => sum + idf(term), 0);
  const lines: string[] = [];
  const citations: Citation[] = [];
  for (const { candidate } of chosen) {
    const chunk = { ...candidate.chunk, title: neutralizeMarkup(candidate.chunk.title), source: neutralizeMarkup(candidate.chunk.source) };
    const sentence = neutralizeMarkup(shortenAroundClause(candidate.unit.text, relevance));
    const marker = citationLabel(chunk);
    lines.push(`"${sentence}" ${marker}`);
    citations.push({
      marker,
      ...chunkReference(chunk),
      contextIndex: candidate.rank + 1,
      answerSpan: `"${sentence}"`,
      quote: sentence,
    });
  }
  return { text: lines.join('\n'), citations, refused: false };
}
