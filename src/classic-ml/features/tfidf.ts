import { InputError } from '../../errors.js';

/** Tokens of two or more letters, digits or underscores, lower-cased: scikit-learn's default token_pattern. */
const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

/** A fitted TF-IDF vocabulary as plain JSON. */
export interface TfidfModel {
  vocabulary: string[];
  idf: number[];
}

/** Lower-cased word tokens of a text. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/**
 * Fits a TF-IDF vocabulary with scikit-learn's defaults: smooth idf ln((1+n)/(1+df)) + 1, raw term
 * counts, and (with maxFeatures) the most frequent terms overall, ties broken alphabetically.
 */
export function fitTfidf(texts: readonly string[], options: { maxFeatures?: number; minDf?: number } = {}): TfidfModel {
  if (texts.length === 0) throw new InputError('texts', 'is empty');
  const df = new Map<string, number>();
  const total = new Map<string, number>();
  texts.forEach((text, i) => {
    if (typeof text !== 'string') throw new InputError('texts', `value at index ${i} is not a string`);
    const tokens = tokenize(text);
    for (const t of tokens) total.set(t, (total.get(t) ?? 0) + 1);
    for (const t of new Set(tokens)) df.set(t, (df.get(t) ?? 0) + 1);
  });
  const minDf = options.minDf ?? 1;
  let counted = [...total].filter(([term]) => (df.get(term) ?? 0) >= minDf);
  if (options.maxFeatures !== undefined) {
    counted = counted.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, options.maxFeatures);
  }
  const terms = counted.map(([term]) => term);
  if (terms.length === 0) throw new InputError('texts', 'contain no tokens of two or more word characters');
  terms.sort();
  const n = texts.length;
  return { vocabulary: terms, idf: terms.map((t) => Math.log((1 + n) / (1 + (df.get(t) ?? 0))) + 1) };
}

/** L2-normalised TF-IDF vectors (dense, one per text) in the model's vocabulary order. */
export function transformTfidf(model: TfidfModel, texts: readonly string[]): number[][] {
  const index = new Map(model.vocabulary.map((t, i) => [t, i]));
  return texts.map((text) => {
    const vector = new Array<number>(model.vocabulary.length).fill(0);
    for (const token of tokenize(String(text))) {
      const i = index.get(token);
      if (i !== undefined) vector[i] += 1;
    }
    let norm = 0;
    for (let i = 0; i < vector.length; i++) {
      vector[i] *= model.idf[i];
      norm += vector[i] * vector[i];
    }
    norm = Math.sqrt(norm);
    return norm === 0 ? vector : vector.map((v) => v / norm);
  });
}
