import { porterStem } from '../porter-stem.js';

/**
 * English function words that carry no topic: Lucene's EnglishAnalyzer stop set plus question
 * words, auxiliaries and pronouns, which every question has and no answer sentence needs to match.
 */
const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it',
  'no', 'not', 'of', 'on', 'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they',
  'this', 'to', 'was', 'will', 'with',
  'what', 'which', 'who', 'whom', 'whose', 'when', 'where', 'why', 'how', 'do', 'does', 'did',
  'can', 'could', 'should', 'would', 'may', 'might', 'must', 'shall', 'has', 'have', 'had', 'been',
  'being', 'were', 'am', 'i', 'me', 'my', 'we', 'our', 'us', 'you', 'your', 'he', 'she', 'him',
  'her', 'his', 'its', 'them', 'about', 'from', 'tell', 'please', 'any', 'some', 'so', 'than',
  'too', 'very', 'just', 'also', 'all', 'each', 'other', 'more', 'most', 'over', 'out', 'up',
  'get', 'got', 'one', 'those', 'only', 'own', 'same', 'both', 'here', 'again', 'further', 'once',
  'say', 'said', 'know', 'explain', 'describe', 'give', 'between',
  // Question idioms: "how long", "how many", "how much", "how often", "what kind of", "what is the
  // name of", "what is X called", "what was X known as".
  'long', 'many', 'much', 'often', 'kind', 'name', 'named', 'called', 'known',
]);

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** Lowercased words of a text without diacritics, in order (letters and digits; apostrophes kept inside words). */
export function words(text: string): string[] {
  // Diacritics dropped (NFD, then combining marks removed): "Beyoncé" and "Beyonce" are one word.
  return (text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().match(WORD) ?? []).map((word) => word.replace(/['’]s$/, ''));
}

/** Stemmed content words (stop words removed) of a text, in order, repeats kept. */
export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  // camelCase identifiers are words of prose too: "safeParse" answers "parse ... without throwing",
  // "RateLimitError" a question about the rate limit error (snake_case and kebab-case split already).
  for (const word of words(splitCamelCase(text))) {
    if (STOP_WORDS.has(word)) continue;
    if (word.length === 1 && !/\d/.test(word)) continue;
    terms.push(porterStem(word));
  }
  return terms;
}

/** "safeParse" -> "safe Parse", "RateLimitError" -> "Rate Limit Error"; acronyms ("NASA") stay whole. */
function splitCamelCase(text: string): string {
  return text.replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2');
}

/** True when a word is a stop word (used to keep salient terms readable). */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word.toLowerCase());
}
