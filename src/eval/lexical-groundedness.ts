import type { CitedSentence } from './answer-sentences.js';
import { lexicalSupport, SUPPORT_THRESHOLD } from './lexical-support.js';

/** Groundedness of one answer with the per-sentence verdicts. */
export interface GroundednessScore {
  /** Supported sentences / all sentences; undefined for an empty answer. */
  score: number | undefined;
  sentences: Array<{ text: string; supported: boolean; overlap: number }>;
}

/**
 * Local groundedness baseline, no model needed: each answer sentence (claim) is supported when
 * some single context passage supports it lexically (`lexicalSupport`), citations ignored.
 * Checking passages one at a time keeps a claim from being "supported" by words scattered
 * over unrelated passages.
 */
export function lexicalGroundedness(
  sentences: readonly Pick<CitedSentence, 'text'>[],
  context: readonly string[],
  threshold = SUPPORT_THRESHOLD,
): GroundednessScore {
  const verdicts = sentences.map(({ text }) => {
    let best = { supported: false, overlap: 0 };
    for (const passage of context) {
      const result = lexicalSupport(text, passage, threshold);
      if (result.supported || result.overlap > best.overlap) best = { supported: result.supported || best.supported, overlap: Math.max(best.overlap, result.overlap) };
      if (best.supported) break;
    }
    return { text, ...best };
  });
  return {
    score: verdicts.length === 0 ? undefined : verdicts.filter((verdict) => verdict.supported).length / verdicts.length,
    sentences: verdicts,
  };
}
