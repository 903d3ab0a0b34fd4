import type { TokenCounter } from '../models/tokens/token-counter.js';
import type { RetrievedChunk } from '../retrieve/types.js';
import { citationLabel } from './citation-label.js';
import { renderFencedDocument } from './fence.js';
import { splitSentences } from './split-sentences.js';

/** Separator between rendered documents in the prompt. */
export const DOCUMENT_SEPARATOR = '\n\n';

/** A chunk as it went into the prompt: its 1-based index, label and (possibly shortened) text. */
export interface ContextDocument {
  index: number;
  chunk: RetrievedChunk;
  /** The text given to the model: the chunk's text, or its leading whole sentences when cut. */
  text: string;
  label: string;
  truncated: boolean;
  /** The rendered, fenced block exactly as it appears in the prompt. */
  rendered: string;
}

/** The documents that fit, and what was left out. */
export interface PackedContext {
  documents: ContextDocument[];
  /** Tokens of the rendered documents with their separators. */
  tokens: number;
  /** Input chunks left out (no room, or repeats of a chunk already given). */
  droppedChunks: number;
}

function render(chunk: RetrievedChunk, text: string, index: number, fence: string): string {
  return renderFencedDocument({ title: chunk.title, source: chunk.source, page: chunk.page, text }, index, fence);
}

/** Builds a ContextDocument for a chunk with the given (whole or shortened) text. */
export function contextDocument(chunk: RetrievedChunk, text: string, index: number, fence: string, truncated: boolean): ContextDocument {
  return { index, chunk, text, label: citationLabel(chunk), truncated, rendered: render(chunk, text, index, fence) };
}

/** Leading whole sentences of a text: the first `count` of them, trailing space trimmed. */
export function leadingSentences(text: string, count: number): string {
  const sentences = splitSentences(text);
  return sentences.slice(0, count).map((sentence) => sentence.text).join('').trimEnd();
}

/**
 * Packs chunks (best first) into a token budget as fenced documents. Whole chunks go in while they
 * fit; the first one that does not fit goes in with as many leading whole sentences as fit (never a
 * cut sentence), and packing stops there, so a better chunk is never displaced by a worse one.
 */
export function packContext(chunks: readonly RetrievedChunk[], options: { budgetTokens: number; tokenCounter: TokenCounter; fence: string }): PackedContext {
  const { budgetTokens, tokenCounter, fence } = options;
  const separatorTokens = tokenCounter.count(DOCUMENT_SEPARATOR);
  const documents: ContextDocument[] = [];
  const seen = new Set<number>();
  let used = 0;
  let position = 0;
  for (; position < chunks.length; position++) {
    const chunk = chunks[position];
    if (seen.has(chunk.chunkId)) continue;
    const index = documents.length + 1;
    const cost = (rendered: string) => tokenCounter.count(rendered) + (documents.length > 0 ? separatorTokens : 0);
    const whole = contextDocument(chunk, chunk.text, index, fence, false);
    const wholeCost = cost(whole.rendered);
    if (used + wholeCost <= budgetTokens) {
      documents.push(whole);
      seen.add(chunk.chunkId);
      used += wholeCost;
      continue;
    }
    // Binary search for the most leading sentences that fit; counts are exact for each candidate.
    const sentenceCount = splitSentences(chunk.text).length;
    let low = 0;
    let high = sentenceCount - 1;
    let best: { doc: ContextDocument; cost: number } | undefined;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      const candidate = contextDocument(chunk, leadingSentences(chunk.text, middle), index, fence, true);
      const candidateCost = cost(candidate.rendered);
      if (used + candidateCost <= budgetTokens) {
        best = { doc: candidate, cost: candidateCost };
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    if (best && best.doc.text.trim().length > 0) {
      documents.push(best.doc);
      seen.add(chunk.chunkId);
      used += best.cost;
    }
    break;
  }
  return { documents, tokens: used, droppedChunks: chunks.length - documents.length };
}
