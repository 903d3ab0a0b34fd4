import { contentTerms } from './content-terms.js';
import type { ChunkEdges } from '../retrieve/types.js';
import { splitSentences } from './split-sentences.js';
import { wholeSentences } from './whole-sentence.js';

/** Fraction of the reference's distinct content terms that a text contains, in [0, 1]. */
export function termOverlap(referenceTerms: ReadonlySet<string>, text: string): number {
  if (referenceTerms.size === 0) return 0;
  const terms = new Set(contentTerms(text));
  let shared = 0;
  for (const term of referenceTerms) if (terms.has(term)) shared++;
  return shared / referenceTerms.size;
}

/**
 * The sentence of `text` sharing the most content terms with `reference` (ties: the earlier one);
 * the first sentence when nothing overlaps. With the chunk's `edges`, sentences that the chunk
 * boundary cuts are completed from the neighbouring text (`wholeSentences`), so a quote is a whole
 * sentence of the document.
 */
export function bestMatchingSentence(text: string, reference: string, edges?: ChunkEdges): { sentence: string; overlap: number } {
  const referenceTerms = new Set(contentTerms(reference));
  let best = { sentence: '', overlap: -1 };
  const sentences = edges ? wholeSentences(text, edges).map((whole) => whole.text) : splitSentences(text).map((span) => span.text);
  for (const candidate of sentences) {
    const sentence = candidate.trim();
    if (sentence.length === 0) continue;
    const overlap = termOverlap(referenceTerms, sentence);
    if (overlap > best.overlap) best = { sentence, overlap };
  }
  return best.overlap < 0 ? { sentence: text.trim(), overlap: 0 } : best;
}
