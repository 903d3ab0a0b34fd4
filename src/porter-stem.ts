import { stemmer } from 'stemmer';

/** Stems kept between calls: the same words recur across questions and passages. Past this many, all are dropped. */
const MAX_STEMS = 100_000;
const stems = new Map<string, string>();

/**
 * The Porter stem of a lowercase word (the `stemmer` package), remembered: the answerer and the
 * evidence checks stem every word of ten chunks per question, mostly words seen before.
 * @example porterStem('connections') // 'connect'
 */
export function porterStem(word: string): string {
  let stem = stems.get(word);
  if (stem === undefined) {
    if (stems.size >= MAX_STEMS) stems.clear();
    stem = stemmer(word);
    stems.set(word, stem);
  }
  return stem;
}
