/** One sentence of a text with its character offsets (end exclusive, trailing space included). */
export interface SentenceSpan {
  text: string;
  start: number;
  end: number;
}

/**
 * Abbreviations after which a period does not end a sentence. V8's Intl.Segmenter has no ICU
 * suppression lists, so "Dr. Smith" would otherwise split.
 */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'etc', 'e.g', 'i.e', 'fig', 'no', 'inc',
  'ltd', 'co', 'corp', 'approx', 'dept', 'est', 'vol', 'p', 'pp', 'ch', 'sec', 'jan', 'feb', 'mar',
  'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'u.s', 'a.m', 'p.m',
  // Works, references and titles that never end a sentence in practice ("Op. 64, No. 1", "cf. Table 2", "Lt. Col. Ames").
  'op', 'nos', 'cf', 'viz', 'ca', 'eq', 'eqs', 'figs', 'vols', 'ibid', 'lt', 'col', 'capt', 'sgt', 'gov', 'rev', 'mt', 'bros',
]);

/** Built once: a segmenter holds no state between calls, and building one costs more than segmenting a sentence. */
const SENTENCE_SEGMENTER = new Intl.Segmenter('en', { granularity: 'sentence' });

function endsWithAbbreviation(segment: string): boolean {
  const match = /(?:^|[\s(])([A-Za-z](?:[A-Za-z.]*[A-Za-z])?)\.\s*$/.exec(segment);
  if (!match) return false;
  const word = match[1];
  // A single capital letter is an initial ("J. Smith").
  return ABBREVIATIONS.has(word.toLowerCase()) || /^[A-Z]$/.test(word);
}

/**
 * Splits text into sentences with Intl.Segmenter (Unicode UAX #29 sentence boundaries), merging
 * splits after common abbreviations and initials. Concatenating the spans gives back the text.
 */
export function splitSentences(text: string): SentenceSpan[] {
  const segmenter = SENTENCE_SEGMENTER;
  const spans: SentenceSpan[] = [];
  let pending: SentenceSpan | undefined;
  for (const { segment, index } of segmenter.segment(text)) {
    if (pending) {
      pending = { text: pending.text + segment, start: pending.start, end: index + segment.length };
    } else {
      pending = { text: segment, start: index, end: index + segment.length };
    }
    if (!endsWithAbbreviation(pending.text) || /\n\s*$/.test(pending.text)) {
      spans.push(pending);
      pending = undefined;
    }
  }
  if (pending) spans.push(pending);
  return spans;
}
