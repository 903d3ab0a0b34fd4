import { createHash } from 'node:crypto';

/**
 * The exact-layer form of a question: Unicode NFKC, lowercase, whitespace collapsed, trailing
 * punctuation and surrounding quotes dropped. Words, numbers and inner punctuation stay, so
 * "not" and "5 GB" survive normalization.
 */
export function normalizeQuestion(question: string): string {
  return question
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^["'\s]+|["'\s?!.;:,]+$/g, '');
}

/** sha256 of the normalized question: the exact-layer key. */
export function questionKey(question: string): string {
  return createHash('sha256').update(normalizeQuestion(question)).digest('hex');
}
