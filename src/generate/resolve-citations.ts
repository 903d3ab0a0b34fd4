import { basename } from 'node:path';
import { neutralizeMarkup } from '../neutralize-markup.js';
import { bestMatchingSentence, termOverlap } from './best-matching-sentence.js';
import { citationName } from './citation-label.js';
import { chunkReference, type Citation, type DroppedCitation, type ResolvedCitations } from './citation-types.js';
import { contentTerms } from './content-terms.js';
import type { ContextDocument } from './pack-context.js';
import { parseCitationMarkers, type CitationMarker } from './parse-citation-markers.js';
import { splitSentences } from './split-sentences.js';

function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/^[\s"'“”*_`]+|[\s"'“”*_`]+$/g, '')
    .replace(/\s+/g, ' ');
}

function namesOf(document: ContextDocument): Set<string> {
  const { chunk } = document;
  return new Set(
    [citationName(chunk), chunk.title, chunk.source, basename(chunk.source), chunk.externalId]
      .filter((name) => name && name.trim().length > 0)
      .map(normalizeName),
  );
}

const ANY_MARKER = /\[\s*Source\s*:[^\]\n]*\]/gi;

/** The answer sentence a marker at `offset` supports: its own sentence, or the previous one when the marker opens a sentence. */
function answerSpanAt(answer: string, offset: number): string {
  const sentences = splitSentences(answer);
  let index = sentences.findIndex((sentence) => offset >= sentence.start && offset < sentence.end);
  if (index < 0) index = sentences.length - 1;
  const before = answer.slice(sentences[index].start, offset).replace(ANY_MARKER, '').trim();
  if (before.length === 0 && index > 0) index--;
  return sentences[index].text.replace(ANY_MARKER, '').replace(/\s+/g, ' ').replace(/ ([.,;:!?])/g, '$1').trim();
}

function resolveOne(marker: CitationMarker, context: readonly ContextDocument[], answer: string): Citation | DroppedCitation {
  const name = normalizeName(marker.name);
  const named = context.filter((document) => namesOf(document).has(name));
  if (named.length === 0) return { marker: marker.marker, reason: 'unknown-source' };
  const onPage = marker.page === undefined ? named : named.filter((document) => document.chunk.page === marker.page);
  if (onPage.length === 0) return { marker: marker.marker, reason: 'page-not-in-context' };
  const answerSpan = answerSpanAt(answer, marker.start);
  const spanTerms = new Set(contentTerms(answerSpan));
  // Several chunks of one document and page may be in context: cite the one the sentence matches best.
  let best = onPage[0];
  let bestOverlap = -1;
  for (const document of onPage) {
    const overlap = termOverlap(spanTerms, document.text);
    if (overlap > bestOverlap) [best, bestOverlap] = [document, overlap];
  }
  const { chunk } = best;
  // Quotes and titles come from documents: they leave with their markup neutralized (documents are data).
  return {
    marker: marker.marker,
    ...chunkReference({ ...chunk, title: neutralizeMarkup(chunk.title), source: neutralizeMarkup(chunk.source) }),
    contextIndex: best.index,
    answerSpan,
    // The chunk's edges make the quote a whole sentence where the chunk boundary cuts it (a text cut
    // to fit the budget no longer ends where its `after` edge begins).
    quote: neutralizeMarkup(bestMatchingSentence(best.text, answerSpan, best.truncated ? { before: chunk.edges?.before } : chunk.edges).sentence),
  };
}

/**
 * Checks every citation marker of an answer against the documents actually given to the model
 * (matched by title, file or external id, and page). Markers naming anything else are dropped from
 * the answer and reported; the rest become citations with ids, page and the quoted spans.
 */
export function resolveCitations(answer: string, context: readonly ContextDocument[]): ResolvedCitations {
  const markers = parseCitationMarkers(answer);
  const citations: Citation[] = [];
  const dropped: DroppedCitation[] = [];
  const keptByBracket = new Map<number, { end: number; kept: string[]; total: number }>();
  const seen = new Set<string>();
  for (const marker of markers) {
    const bracket = keptByBracket.get(marker.start) ?? { end: marker.end, kept: [], total: 0 };
    bracket.total++;
    keptByBracket.set(marker.start, bracket);
    const result = resolveOne(marker, context, answer);
    if ('reason' in result) {
      dropped.push(result);
      continue;
    }
    bracket.kept.push(marker.marker.slice(1, -1));
    const key = `${result.chunkId}\u0000${result.answerSpan}`;
    if (!seen.has(key)) {
      seen.add(key);
      citations.push(result);
    }
  }
  // Rewrite brackets from the end so earlier offsets stay valid.
  let cleaned = answer;
  for (const [start, bracket] of [...keptByBracket.entries()].sort((a, b) => b[0] - a[0])) {
    if (bracket.kept.length === bracket.total) continue;
    if (bracket.kept.length > 0) {
      cleaned = cleaned.slice(0, start) + `[${bracket.kept.join('; ')}]` + cleaned.slice(bracket.end);
    } else {
      const removeFrom = /[ \t]$/.test(cleaned.slice(0, start)) ? start - 1 : start;
      cleaned = cleaned.slice(0, removeFrom) + cleaned.slice(bracket.end);
    }
  }
  return { answer: cleaned, citations, dropped };
}
