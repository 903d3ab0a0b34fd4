import type { RetrievedChunk } from '../retrieve/types.js';
import { citationLabel } from './citation-label.js';
import { chunkReference, type Citation } from './citation-types.js';
import { contentTerms } from './content-terms.js';
import { DEFAULT_EXTRACTIVE_MAX_SENTENCES } from './generate-options.js';
import { REFUSAL_TEXT } from './refusal.js';
import { splitSentences } from './split-sentences.js';

/** BM25 saturation and length normalization: Lucene's defaults (Robertson and Zaragoza 2009 ranges). */
const BM25_K1 = 1.2;
const BM25_B = 0.75;
/** Position priors: a chunk ranked r weighs 1/(1 + 0.15 r); sentence s of a chunk 1/(1 + 0.05 s). */
const RANK_DECAY = 0.15;
const POSITION_DECAY = 0.05;
/**
 * A sentence must hold at least this share of the question's topic weight (idf mass of its content
 * terms) to be quoted; below it for every sentence, the answer is the refusal. Half the weight, so a
 * sentence sharing one incidental word with the question is not an answer. Calibrate with eval.
 */
export const EXTRACTIVE_MIN_COVERAGE = 0.5;
/** Sentences shorter than this many words are headings or fragments, not answers. */
const MIN_SENTENCE_WORDS = 3;

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

/** Markdown heading lines and the chunk's own section titles are labels, not answers. */
function isHeading(sentence: string, headingPath: readonly string[]): boolean {
  if (/^#{1,6}\s/.test(sentence)) return true;
  const bare = (text: string) => text.replace(/^[#\s]*(?:\d+(?:\.\d+)*\.?\s*)?/, '').trim().toLowerCase();
  const needle = bare(sentence);
  return headingPath.some((heading) => bare(heading) === needle);
}

interface Candidate {
  chunk: RetrievedChunk;
  rank: number;
  position: number;
  sentence: string;
  terms: string[];
}

/**
 * The offline answerer: scores every sentence of the retrieved chunks against the question's content
 * terms (BM25 over the sentences, times rank and position priors), quotes the best ones and cites
 * each as `[Source: <title or file>, page N]`. Refuses with exactly "I don't have enough information."
 * when no sentence covers enough of the question.
 * @example answerExtractively('How long is the warranty?', retrieval.chunks, { maxSentences: 2 })
 */
export function answerExtractively(question: string, chunks: readonly RetrievedChunk[], options: ExtractiveOptions = {}): ExtractiveAnswer {
  const maxSentences = options.maxSentences ?? DEFAULT_EXTRACTIVE_MAX_SENTENCES;
  const minCoverage = options.minCoverage ?? EXTRACTIVE_MIN_COVERAGE;
  const refusal: ExtractiveAnswer = { text: REFUSAL_TEXT, citations: [], refused: true };
  const queryTerms = [...new Set(contentTerms(question))];
  if (queryTerms.length === 0) return refusal;

  const candidates: Candidate[] = [];
  chunks.forEach((chunk, rank) => {
    splitSentences(chunk.text).forEach((span, position) => {
      const sentence = span.text.replace(/\s+/g, ' ').trim();
      if (sentence.split(' ').length < MIN_SENTENCE_WORDS || isHeading(sentence, chunk.headingPath)) return;
      candidates.push({ chunk, rank, position, sentence, terms: contentTerms(sentence) });
    });
  });
  if (candidates.length === 0) return refusal;

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

  const scored = candidates.map((candidate) => {
    const frequency = new Map<string, number>();
    for (const term of candidate.terms) frequency.set(term, (frequency.get(term) ?? 0) + 1);
    let bm25 = 0;
    let covered = 0;
    for (const term of queryTerms) {
      const tf = frequency.get(term) ?? 0;
      if (tf === 0) continue;
      covered += idf(term);
      const norm = BM25_K1 * (1 - BM25_B + (BM25_B * candidate.terms.length) / averageLength);
      bm25 += (idf(term) * tf * (BM25_K1 + 1)) / (tf + norm);
    }
    const prior = 1 / (1 + RANK_DECAY * candidate.rank) / (1 + POSITION_DECAY * candidate.position);
    return { candidate, coverage: covered / totalWeight, score: bm25 * prior };
  });

  const chosen: typeof scored = [];
  const seenText = new Set<string>();
  for (const entry of scored.filter((item) => item.coverage >= minCoverage).sort((a, b) => b.score - a.score)) {
    const key = entry.candidate.sentence.toLowerCase();
    if (seenText.has(key)) continue; // overlapping chunks repeat sentences
    seenText.add(key);
    chosen.push(entry);
    if (chosen.length >= maxSentences) break;
  }
  if (chosen.length === 0) return refusal;

  const lines: string[] = [];
  const citations: Citation[] = [];
  for (const { candidate } of chosen) {
    const { chunk, sentence } = candidate;
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
