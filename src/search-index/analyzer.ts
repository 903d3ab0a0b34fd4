import { stemmer } from 'stemmer';

/**
 * Lucene's English stop set (EnglishAnalyzer.ENGLISH_STOP_WORDS_SET), so BM25 here tokenizes as
 * the Lucene/Pyserini baselines do.
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it', 'no', 'not', 'of', 'on',
  'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this', 'to', 'was', 'will', 'with',
]);

/** Bumped whenever the analyzer's output changes: part of the ingest-configuration hash. */
export const ANALYZER_VERSION = 'en-porter-lucene-stop-fold-2';

/** Terms longer than this are dropped (Lucene's StandardTokenizer default max token length). */
const MAX_TERM_LENGTH = 255;
const STEM_CACHE_LIMIT = 50_000;
// Combining marks belong to the word they follow (Devanagari vowel signs, Thai tone marks).
const TOKEN = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{M}]+)?/gu;
const NON_ASCII = /[^\u0000-\u007f]/;
const LATIN_WITH_MARKS = /(\p{Script=Latin})\p{M}+/gu;

/**
 * Latin letters without their diacritics (Lucene's ASCIIFoldingFilter for Latin script): people
 * type "Beyonce" and "Sao Paulo" for "Beyoncé" and "São Paulo". Marks on other scripts (Devanagari
 * vowel signs, ...) are part of their letters and stay.
 */
export function foldLatinDiacritics(text: string): string {
  return NON_ASCII.test(text) ? text.normalize('NFD').replace(LATIN_WITH_MARKS, '$1').normalize('NFC') : text;
}

/** True for words of decimal digits only (ASCII fast path; other scripts' digits by \p{N}). */
function allDigits(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code >= 48 && code <= 57) continue;
    if (code < 128) return false;
    return /^\p{N}+$/u.test(word);
  }
  return true;
}

/** Turns text into index terms: NFKC, Latin diacritics folded, lowercase, word tokens, possessive strip, stop words, Porter stem. */
export interface Analyzer {
  readonly version: string;
  /** Terms in order (with repeats). */
  terms(text: string): string[];
  /** Term -> frequency, and the total term count (document length for BM25). */
  termFrequencies(text: string, into?: Map<string, number>): { frequencies: Map<string, number>; length: number };
}

/** The English analyzer: Unicode NFKC normalization, Latin diacritics folded, lowercasing, Lucene stop words, Porter stemming. */
export function createEnglishAnalyzer(): Analyzer {
  const stems = new Map<string, string>();
  const stem = (word: string): string => {
    let out = stems.get(word);
    if (out === undefined) {
      out = stemmer(word);
      if (stems.size >= STEM_CACHE_LIMIT) stems.clear();
      stems.set(word, out);
    }
    return out;
  };
  const terms = (text: string): string[] => {
    const out: string[] = [];
    const normalized = foldLatinDiacritics(text.normalize('NFKC')).toLowerCase();
    for (const match of normalized.matchAll(TOKEN)) {
      let word = match[0];
      // English possessive filter: "company's" -> "company".
      if (word.endsWith("'s") || word.endsWith('’s')) word = word.slice(0, -2);
      else if (word.includes("'") || word.includes('’')) word = word.replace(/['’]/g, '');
      if (word.length === 0 || word.length > MAX_TERM_LENGTH || ENGLISH_STOP_WORDS.has(word)) continue;
      out.push(allDigits(word) ? word : stem(word));
    }
    return out;
  };
  return {
    version: ANALYZER_VERSION,
    terms,
    termFrequencies(text, into = new Map()) {
      const list = terms(text);
      for (const term of list) into.set(term, (into.get(term) ?? 0) + 1);
      return { frequencies: into, length: list.length };
    },
  };
}
