/** Splits text into sentences with the platform's Unicode sentence segmenter (UAX #29). */
export interface SentenceSegmenter {
  /** Sentence spans of text[start, end), trailing whitespace attached, covering the range in order. */
  spans(text: string, start: number, end: number): Array<[number, number]>;
}

/** A sentence segmenter for `locale` (default 'en'). */
export function createSentenceSegmenter(locale = 'en'): SentenceSegmenter {
  const segmenter = new Intl.Segmenter(locale, { granularity: 'sentence' });
  return {
    spans(text, start, end) {
      const spans: Array<[number, number]> = [];
      for (const { index, segment } of segmenter.segment(text.slice(start, end))) {
        spans.push([start + index, start + index + segment.length]);
      }
      return spans;
    },
  };
}
