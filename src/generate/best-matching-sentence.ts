import { contentTerms } from './content-terms.js';
import { splitSentences } from './split-sentences.js';

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
 * the first sentence when nothing overlaps.
 */
export function bestMatchingSentence(text: string, reference: string): { sentence: string; overlap: number } {
  const referenceTerms = new Set(contentTerms(reference));
  let best = { sentence: '', overlap: -1 };
  for (const span of splitSentences(text)) {
    const sentence = span.text.trim();
    if (sentence.length === 0) continue;
    const overlap = termOverlap(referenceTerms, sentence);
    if (overlap > best.overlap) best = { sentence, overlap };
  }
  return best.overlap < 0 ? { sentence: text.trim(), overlap: 0 } : best;
}
