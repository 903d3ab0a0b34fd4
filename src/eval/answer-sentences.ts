/** One answer sentence with the citation markers it carries. */
export interface CitedSentence {
  /** Sentence text with the markers removed. */
  text: string;
  /** Marker contents in order of appearance, e.g. ["1", "3"] for "... [1][3]." */
  citations: string[];
}

/** Default citation marker: `[1]`, `[12]` (the marker's content is the passage key). */
export const DEFAULT_CITATION_PATTERN = /\[(\d+)\]/g;

// Sentence end: . ! ? (and a closing quote or bracket), whitespace, then an upper-case letter, digit or
// opening quote; also blank lines and list items.
const SENTENCE_BOUNDARY = /(?<=[.!?]["')]?)\s+(?=[\p{Lu}\d"'(])|\n\s*\n|\n(?=\s*(?:[-*•]|\d+\.)\s)/u;
// Markers written after the final period ("... day. [2][3]"): moved before it so they stay with their sentence.
const TRAILING_MARKERS = /([.!?])((?:[ \t]*\[[^\]\s]+\])+)/g;

/**
 * Splits an answer into sentences and pulls out citation markers. Markers directly after a sentence's
 * final period ("... per day. [2]") belong to that sentence. Empty sentences are dropped.
 */
export function splitCitedSentences(answer: string, pattern: RegExp = DEFAULT_CITATION_PATTERN): CitedSentence[] {
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  return answer
    .replace(TRAILING_MARKERS, '$2$1')
    .split(SENTENCE_BOUNDARY)
    .map((raw) => {
      const citations = [...raw.matchAll(global)].map((match) => match[1] ?? match[0]);
      const text = raw.replace(global, '').replace(/^\s*(?:[-*•]|\d+\.)\s+/, '').replace(/\s+([.,;:!?])/g, '$1').replace(/\s+/g, ' ').trim();
      return { text, citations };
    })
    .filter((sentence) => sentence.text !== '');
}
