import type { ChunkEdges } from '../retrieve/types.js';
import { splitSentences } from './split-sentences.js';

/** The ellipsis that marks text left out of a quote (a cut is never silent). */
export const ELLIPSIS = '…';

/**
 * Longest quote in words before it is shortened around the answer-bearing clause. 60 words: well
 * above the 20-30 words of a typical English written sentence, so only run-on sentences, lists
 * flattened into one line and table dumps are shortened.
 */
export const MAX_QUOTE_WORDS = 60;


/** A sentence of a chunk, made whole from the document around it when the chunk cuts it. */
export interface WholeSentence {
  /** The sentence as the document has it, whitespace collapsed; with an ellipsis where it stays cut. */
  text: string;
  /** Offsets of the sentence's part inside the chunk text (end exclusive). */
  start: number;
  end: number;
  /** True when text from a neighbouring chunk completed it. */
  extended: boolean;
}

/** How much neighbouring text is read to complete a sentence: a long sentence, not a paragraph. */
const EDGE_CHARS = 1500;
const SENTENCE_END = /[.!?…:;)"'”’\]]\s*$/;
const STARTS_MID_SENTENCE = /^\s*[\p{Ll},;)]/u;

// Two sentence ends, not one, so that an abbreviation's period ("Dr. Smith") cannot cut the
// sentence short: the segmenter then sees the boundary in context and merges across it.
function lastSentenceTail(text: string): string {
  const ends = [...text.matchAll(/[.!?]["'”’)\]]*\s+|\n\s*\n/g)].map((match) => (match.index ?? 0) + match[0].length);
  return ends.length < 2 ? text : text.slice(ends[ends.length - 2]);
}

function firstSentenceHead(text: string): string {
  const ends = [...text.matchAll(/[.!?]["'”’)\]]*(?=\s|$)|\n\s*\n/g)].slice(0, 2).map((match) => (match.index ?? 0) + match[0].length);
  return ends.length < 2 ? text : text.slice(0, ends[1]);
}

/**
 * Splits a chunk into whole sentences: the chunk's text between its edges (see ChunkEdges) is split
 * as one text, so a sentence that the chunk boundary cuts is completed from the neighbouring chunk.
 * Where no edge is known, a first sentence that starts mid-sentence gets a leading ellipsis and a
 * last sentence without closing punctuation a trailing one.
 * @example wholeSentences('to eight books. Loans last 21 days.', { before: 'Members may borrow up ' })[0].text // 'Members may borrow up to eight books.'
 */
export function wholeSentences(text: string, edges: ChunkEdges = {}): WholeSentence[] {
  // Only the sentence each side reaches into matters: cut the edges at their nearest sentence end
  // (a period, question or exclamation mark before whitespace, or a blank line) so little is segmented.
  const before = lastSentenceTail((edges.before ?? '').slice(-EDGE_CHARS));
  const after = firstSentenceHead((edges.after ?? '').slice(0, EDGE_CHARS));
  const window = before + text + after;
  const chunkStart = before.length;
  const chunkEnd = before.length + text.length;
  const sentences: WholeSentence[] = [];
  // The chunk's text balances its code fences (the chunker reopens a fence it cuts); the tail of the
  // chunk before may close one it never opened, so no fence is open where the chunk starts.
  for (const span of splitSentences(window, { fenceResets: [chunkStart] })) {
    if (span.end <= chunkStart || span.start >= chunkEnd) continue;
    // A sentence only made of the chunk's trailing whitespace, or of the neighbour's, is no sentence of this chunk.
    if (window.slice(Math.max(span.start, chunkStart), Math.min(span.end, chunkEnd)).trim().length === 0) continue;
    let sentence = span.text.replace(/\s+/g, ' ').trim();
    const extended = span.start < chunkStart || span.end > chunkEnd;
    if (span.start <= chunkStart && edges.before === undefined && STARTS_MID_SENTENCE.test(text)) sentence = `${ELLIPSIS} ${sentence}`;
    if (span.end >= chunkEnd && edges.after === undefined && !SENTENCE_END.test(sentence)) sentence = `${sentence} ${ELLIPSIS}`;
    sentences.push({ text: sentence, start: Math.max(0, span.start - chunkStart), end: Math.min(text.length, span.end - chunkStart), extended });
  }
  return sentences;
}

/**
 * Shortens an overlong sentence (more than `maxWords` words) to the run of clauses that holds the
 * most of `relevance` (a score per clause, e.g. question terms it covers), with an ellipsis wherever
 * text was left out. Sentences within the limit come back unchanged.
 */
export function shortenAroundClause(sentence: string, relevance: (clause: string) => number, maxWords = MAX_QUOTE_WORDS): string {
  const words = sentence.split(' ');
  if (words.length <= maxWords) return sentence;
  // Clauses end after , ; : or a dash; each keeps its punctuation.
  const clauses = sentence.match(/[^,;:—–]+(?:[,;:—–]+|$)/g)?.map((clause) => clause.trim()).filter(Boolean) ?? [sentence];
  const lengths = clauses.map((clause) => clause.split(' ').length);
  let best = { from: 0, to: 0, score: -1 };
  for (let from = 0; from < clauses.length; from += 1) {
    let length = 0;
    let score = 0;
    for (let to = from; to < clauses.length; to += 1) {
      length += lengths[to];
      if (length > maxWords && to > from) break;
      score += relevance(clauses[to]);
      if (score > best.score) best = { from, to, score };
    }
  }
  let kept = clauses.slice(best.from, best.to + 1).join(' ');
  // One clause longer than the limit: keep its words around its most relevant stretch.
  if (kept.split(' ').length > maxWords) {
    const keptWords = kept.split(' ');
    let bestStart = 0;
    let bestScore = -1;
    for (let start = 0; start + maxWords <= keptWords.length; start += Math.max(1, Math.floor(maxWords / 4))) {
      const score = relevance(keptWords.slice(start, start + maxWords).join(' '));
      if (score > bestScore) [bestStart, bestScore] = [start, score];
    }
    const cutsEnd = bestStart + maxWords < keptWords.length;
    kept = keptWords.slice(bestStart, bestStart + maxWords).join(' ');
    if (bestStart > 0) kept = `${ELLIPSIS} ${kept}`;
    if (cutsEnd) kept = `${kept} ${ELLIPSIS}`;
  }
  const prefix = best.from > 0 && !kept.startsWith(ELLIPSIS) ? `${ELLIPSIS} ` : '';
  const suffix = best.to < clauses.length - 1 && !kept.endsWith(ELLIPSIS) ? ` ${ELLIPSIS}` : '';
  return `${prefix}${kept.replace(/[,;:—–]+$/, '')}${suffix}`;
}
