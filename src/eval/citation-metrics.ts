import { InputError } from '../errors.js';
import type { CitedSentence } from './answer-sentences.js';
import { lexicalSupport, SUPPORT_THRESHOLD } from './lexical-support.js';

/** Citation quality of one answer. */
export interface CitationScores {
  /** Citations that support the sentence citing them / all citations; undefined when there are none. */
  precision: number | undefined;
  /** Sentences supported by their cited passages (joined) / all sentences; 0 for an uncited answer. */
  recall: number;
  sentences: number;
  citations: number;
  /** Citation keys that name no passage (a hallucinated reference counts as unsupporting). */
  unknownCitations: string[];
}

/**
 * Citation precision and recall in the spirit of ALCE (Gao et al. 2023) with the lexical support
 * check (`lexicalSupport`, threshold SUPPORT_THRESHOLD) in place of an NLI model:
 * - recall: a sentence counts when the concatenation of the passages it cites supports it;
 * - precision: a citation counts when its passage alone supports the sentence, or when the
 *   sentence is supported by its citations jointly but not without this one (it carries part of the claim).
 */
export function citationScores(
  sentences: readonly CitedSentence[],
  passages: ReadonlyMap<string, string>,
  threshold = SUPPORT_THRESHOLD,
): CitationScores {
  if (!(threshold > 0 && threshold <= 1)) throw new InputError('threshold', `must be in (0, 1], got ${threshold}`);
  let supportedSentences = 0;
  let goodCitations = 0;
  let citationCount = 0;
  const unknownCitations: string[] = [];
  for (const sentence of sentences) {
    const keys = [...new Set(sentence.citations)];
    const known = keys.filter((key) => passages.has(key));
    unknownCitations.push(...keys.filter((key) => !passages.has(key)));
    citationCount += keys.length;
    if (known.length === 0) continue;
    const joined = known.map((key) => passages.get(key)).join('\n');
    const jointly = lexicalSupport(sentence.text, joined, threshold).supported;
    if (jointly) supportedSentences += 1;
    for (const key of known) {
      const alone = lexicalSupport(sentence.text, passages.get(key) ?? '', threshold).supported;
      const others = known.filter((other) => other !== key);
      const withoutIt = others.length > 0 && lexicalSupport(sentence.text, others.map((o) => passages.get(o)).join('\n'), threshold).supported;
      if (alone || (jointly && !withoutIt)) goodCitations += 1;
    }
  }
  return {
    precision: citationCount === 0 ? undefined : goodCitations / citationCount,
    recall: sentences.length === 0 ? 0 : supportedSentences / sentences.length,
    sentences: sentences.length,
    citations: citationCount,
    unknownCitations,
  };
}
