/**
 * Answer correctness against a reference, with the SQuAD v1.1 evaluation script's definitions
 * (Rajpurkar et al. 2016): normalize (lowercase, drop punctuation, drop the articles a/an/the,
 * collapse whitespace), then exact match and bag-of-tokens F1; with several references, the max.
 */

const ARTICLES = /\b(a|an|the)\b/g;
// SQuAD removes string.punctuation; \p{P} and \p{S} also cover typographic quotes, dashes and the euro sign.
const PUNCTUATION = /[\p{P}\p{S}]/gu;

/** SQuAD answer normalization. */
export function normalizeAnswer(text: string): string {
  return text.toLowerCase().replace(PUNCTUATION, '').replace(ARTICLES, ' ').split(/\s+/).filter(Boolean).join(' ');
}

/** 1 when the normalized prediction equals a normalized reference, else 0. */
export function exactMatch(prediction: string, references: string | readonly string[]): number {
  const normalized = normalizeAnswer(prediction);
  return toList(references).some((reference) => normalizeAnswer(reference) === normalized) ? 1 : 0;
}

/** SQuAD token F1 (max over references). Two empty answers score 1; one empty answer scores 0. */
export function tokenF1(prediction: string, references: string | readonly string[]): number {
  return Math.max(...toList(references).map((reference) => f1(prediction, reference)));
}

/**
 * 1 when some normalized reference appears in the normalized prediction as a whole run of tokens
 * (the containment measure of open-domain QA, e.g. DrQA, Chen et al. 2017: a sentence-long
 * extractive answer is right when it holds the reference span), else 0. An empty reference never matches.
 * @example answerContainment('The per diem is EUR 60 per day.', 'EUR 60 per day') // 1
 */
export function answerContainment(prediction: string, references: string | readonly string[]): number {
  const padded = ` ${normalizeAnswer(prediction)} `;
  return toList(references).some((reference) => {
    const needle = normalizeAnswer(reference);
    return needle.length > 0 && padded.includes(` ${needle} `);
  })
    ? 1
    : 0;
}

function f1(prediction: string, reference: string): number {
  const predicted = normalizeAnswer(prediction).split(' ').filter(Boolean);
  const expected = normalizeAnswer(reference).split(' ').filter(Boolean);
  if (predicted.length === 0 || expected.length === 0) return predicted.length === expected.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const token of expected) counts.set(token, (counts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of predicted) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      common += 1;
      counts.set(token, left - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / predicted.length;
  const recall = common / expected.length;
  return (2 * precision * recall) / (precision + recall);
}

function toList(references: string | readonly string[]): readonly string[] {
  return typeof references === 'string' ? [references] : references.length === 0 ? [''] : references;
}
