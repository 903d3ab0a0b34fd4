import { stemmer } from 'stemmer';

/**
 * Share of a claim's content words that must appear in a passage for the passage to support it.
 * 0.6 is this project's choice for a lexical baseline (no published source; checked only on the
 * hand-written cases in test/eval/answer-metrics.test.ts): it accepts a sentence quoted or lightly
 * paraphrased from a passage and rejects one drawn from another document. It is a baseline, not
 * entailment: it cannot see negation or swapped roles. Tune it per corpus with eval.supportThreshold.
 */
export const SUPPORT_THRESHOLD = 0.6;

/** Short English function-word list (a subset of the common SMART/NLTK stop lists). */
const STOPWORDS = new Set(
  ('a about above after again all also am an and any are as at be because been before being below between both but by can could did do does ' +
    'doing down during each few for from further had has have having he her here hers him his how i if in into is it its itself just me more most ' +
    'my no nor not now of off on once only or other our ours out over own same she should so some such than that the their theirs them then there ' +
    'these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours')
    .split(' '),
);

/**
 * Content tokens of a text: lowercased words and numbers, stopwords removed, words Porter-stemmed
 * (numbers kept verbatim, separators removed: "2,500" -> "2500").
 */
export function contentTokens(text: string): string[] {
  const tokens = text.toLowerCase().match(/\d+(?:[.,]\d+)*|\p{L}[\p{L}\p{N}'-]*/gu) ?? [];
  return tokens
    .filter((token) => !STOPWORDS.has(token))
    .map((token) => (/^\d/.test(token) ? token.replace(/,/g, '') : stemmer(token.replace(/'s$/, ''))));
}

/** Result of checking one claim against one passage (or several joined). */
export interface SupportResult {
  supported: boolean;
  /** Share of the claim's distinct content tokens found in the passage, in [0, 1]. */
  overlap: number;
  /** Numbers in the claim that the passage lacks (any one makes the claim unsupported). */
  missingNumbers: string[];
}

/**
 * Lexical support: the passage supports the claim when at least `threshold` of the claim's
 * distinct content tokens occur in it AND every number in the claim occurs in it (a wrong number
 * is the commonest unsupported claim in policy documents). A claim with no content tokens is
 * vacuously supported.
 */
export function lexicalSupport(claim: string, passage: string, threshold = SUPPORT_THRESHOLD): SupportResult {
  const claimTokens = new Set(contentTokens(claim));
  if (claimTokens.size === 0) return { supported: true, overlap: 1, missingNumbers: [] };
  const passageTokens = new Set(contentTokens(passage));
  let found = 0;
  const missingNumbers: string[] = [];
  for (const token of claimTokens) {
    if (passageTokens.has(token)) found += 1;
    else if (/^\d/.test(token)) missingNumbers.push(token);
  }
  const overlap = found / claimTokens.size;
  return { supported: overlap >= threshold && missingNumbers.length === 0, overlap, missingNumbers };
}
