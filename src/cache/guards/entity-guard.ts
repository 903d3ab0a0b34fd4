import type { GuardReason, QuestionGuard } from './guard-types.js';
import { readSpelledNumber } from './number-words.js';
import { stemWord, tokenizeQuestion, type QuestionToken } from './question-tokens.js';

/** Entity guard settings. */
export interface EntityGuardOptions {
  /**
   * Also reject when only one question names an entity the other lacks ("the SLA" added). Off by
   * default: a swap (each side names one the other lacks) is the meaning change to catch; an
   * addition is usually a paraphrase that spells out context.
   */
  rejectOneSided: boolean;
  /** Accept an acronym on one side whose expansion is on the other (MFA / multi-factor authentication). */
  matchAcronyms: boolean;
  /**
   * Reject minimal pairs: questions identical but for one content word (any case), the shape of
   * a lowercase entity swap ("paracetamol" / "penicillin") that capitalization cannot reveal.
   * Costs a hit when the swapped word is a synonym; a miss is cheap, a wrong answer is not.
   */
  rejectSingleWordSwap: boolean;
}

/** Defaults: reject swaps, match acronyms. */
export const DEFAULT_ENTITY_GUARD_OPTIONS: EntityGuardOptions = { rejectOneSided: false, matchAcronyms: true, rejectSingleWordSwap: true };

const ROMAN = /^(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)$/;
/** Capitalized words that are not names when they start a clause or stand for the speaker. */
const NOT_NAMES = new Set(['i']);

/**
 * Rejects when the questions name different entities: capitalized spans after the first word
 * (Acme Pro, Marie Curie, Type II, Python 3.11), acronyms (GDPR), mixed-case names (iOS),
 * quoted strings and codes (us-east-1, E-4012). An entity word counts as present on the other
 * side when the same word (any case, same stem) or its acronym expansion appears there.
 * @example createEntityGuard().check('Does Acme Pro log?', 'Does Acme Plus log?') // one reason
 */
export function createEntityGuard(options: Partial<EntityGuardOptions> = {}): QuestionGuard {
  const settings = { ...DEFAULT_ENTITY_GUARD_OPTIONS, ...options };
  return {
    name: 'entity',
    check(newQuestion, cachedQuestion) {
      const a = tokenizeQuestion(newQuestion).filter((t) => t.kind !== 'symbol');
      const b = tokenizeQuestion(cachedQuestion).filter((t) => t.kind !== 'symbol');
      const missingFromB = missingEntities(a, b, settings);
      const missingFromA = missingEntities(b, a, settings);
      const swap = missingFromB.length > 0 && missingFromA.length > 0;
      if (!swap && settings.rejectSingleWordSwap) {
        const swapped = singleWordSwap(a, b);
        if (swapped) return [{ guard: 'entity', code: 'entity.substitution', detail: `the questions differ only in "${swapped[0]}" vs "${swapped[1]}"` }];
      }
      if (!swap && !(settings.rejectOneSided && (missingFromA.length > 0 || missingFromB.length > 0))) return [];
      const reason: GuardReason = {
        guard: 'entity',
        code: swap ? 'entity.swap' : 'entity.missing',
        detail: `entities differ: new question only [${missingFromB.map((t) => t.text).join(', ')}], cached question only [${missingFromA.map((t) => t.text).join(', ')}]`,
      };
      return [reason];
    },
  };
}

/** A text's tokens indexed for entity lookups: each token's key, quoted strings' words, its acronyms. */
export interface EntityPresence {
  tokens: readonly QuestionToken[];
  keys: ReadonlySet<string>;
  quotedWords: ReadonlySet<string>;
  acronyms: readonly QuestionToken[];
}

/** Indexes tokens (symbols removed) for `entitiesMissingIn`; build it once for a text checked against many. */
export function entityPresence(tokens: readonly QuestionToken[]): EntityPresence {
  const keys = new Set<string>();
  const quotedWords = new Set<string>();
  const acronyms: QuestionToken[] = [];
  for (const token of tokens) {
    keys.add(tokenKey(token));
    // A quoted string matches the same words unquoted.
    if (token.kind === 'quoted') for (const word of token.lower.split(/\s+/)) quotedWords.add(stemWord(word));
    if (isAcronymShape(token.text)) acronyms.push(token);
  }
  return { tokens, keys, quotedWords, acronyms };
}

function missingEntities(own: QuestionToken[], other: QuestionToken[], settings: EntityGuardOptions): QuestionToken[] {
  return entitiesMissingIn(own, entityWords(own), entityPresence(other), settings);
}

/**
 * The entities of `own` (its `entityWords`) not present in `other`: the same word any case or stem,
 * a quoted string's word, an acronym and its expansion. Each acronym's expansion in `own` is looked
 * for once.
 */
export function entitiesMissingIn(own: readonly QuestionToken[], entities: readonly QuestionToken[], other: EntityPresence, options: Partial<EntityGuardOptions> = {}): QuestionToken[] {
  if (entities.length === 0) return [];
  const settings = { ...DEFAULT_ENTITY_GUARD_OPTIONS, ...options };
  const { keys, quotedWords, acronyms } = other;
  let expansions: Array<QuestionToken[] | undefined> | undefined;
  return entities.filter((entity) => {
    const key = tokenKey(entity);
    if (keys.has(key) || quotedWords.has(key)) return false;
    // A one-word quoted string matches the same word unquoted.
    if (entity.kind === 'quoted' && !/\s/.test(entity.lower) && keys.has(stemWord(entity.lower))) return false;
    if (!settings.matchAcronyms) return true;
    if (expandsInto(entity.text, other.tokens)) return false;
    // The entity is part of an expansion whose acronym is on the other side ("Service Level Agreement" / "SLA").
    expansions ??= acronyms.map((acronym) => expansionSpan(acronym.text, own));
    return !expansions.some((span) => span?.includes(entity) === true);
  });
}

function tokenKey(token: QuestionToken): string {
  return token.kind === 'code' || token.kind === 'quoted' ? token.lower : stemWord(token.lower);
}

/** Words too common to name anything: a swap of these is grammar, not an entity change. */
const FUNCTION_WORDS = new Set(['a', 'an', 'the', 'is', 'are', 'was', 'were', 'do', 'does', 'did', 'can', 'could', 'will', 'would', 'should', 'must', 'may', 'might', 'this', 'that', 'these', 'those', 'our', 'my', 'your', 'their', 'its', 'we', 'i', 'you', 'they', 'in', 'on', 'at', 'for', 'of', 'to', 'from', 'by']);

/** The differing word pair when the questions are the same but for one content word. */
function singleWordSwap(a: QuestionToken[], b: QuestionToken[]): [string, string] | undefined {
  if (a.length !== b.length) return undefined;
  const diffs = a.map((token, i) => [token, b[i]] as const).filter(([x, y]) => x.lower !== y.lower);
  if (diffs.length !== 1) return undefined;
  const [x, y] = diffs[0];
  if (x.kind !== 'word' || y.kind !== 'word') return undefined;
  if (FUNCTION_WORDS.has(x.lower) || FUNCTION_WORDS.has(y.lower) || stemWord(x.lower) === stemWord(y.lower)) return undefined;
  return [x.text, y.text];
}

/** The tokens that belong to named entities, codes or quoted strings. */
export function entityWords(tokens: readonly QuestionToken[]): QuestionToken[] {
  const out: QuestionToken[] = [];
  let inSpan = false;
  tokens.forEach((token, index) => {
    const entity = isEntityToken(token, index);
    // Extend a span with what follows a name: numbers and Roman numerals (Python 3.11, Type II, Model X).
    const extension = inSpan && (token.kind === 'number' || ROMAN.test(token.text) || /^[A-Z]$/.test(token.text));
    if (entity || extension) out.push(token);
    inSpan = entity || extension;
  });
  return out;
}

function isEntityToken(token: QuestionToken, index: number): boolean {
  if (token.kind === 'code' || token.kind === 'quoted') return true;
  if (token.kind !== 'word' || NOT_NAMES.has(token.lower)) return false;
  const bare = token.text.replace(/[-/.'’]/g, '');
  if (/^[A-Z0-9]{2,}s?$/.test(bare) && /[A-Z]/.test(bare)) return true; // acronym: GDPR, SOC, APIs
  if (/^[a-z]+[A-Z]/.test(bare)) return true; // iOS, macOS, eBay
  return index > 0 && /^\p{Lu}/u.test(token.text); // capitalized after the first word
}

function isAcronymShape(text: string): boolean {
  const bare = text.replace(/s$/, '');
  return /^[A-Z0-9]{2,6}$/.test(bare) && /[A-Z]/.test(bare);
}

/** True when `acronym` (MFA, 2FA, NDA) spells the initials of consecutive words in `tokens`. */
function expandsInto(acronym: string, tokens: readonly QuestionToken[]): boolean {
  return isAcronymShape(acronym) && expansionSpan(acronym, tokens) !== undefined;
}

/** The tokens whose initials spell the acronym (hyphenated words count part by part). */
function expansionSpan(acronym: string, tokens: readonly QuestionToken[]): QuestionToken[] | undefined {
  const letters = acronym.replace(/s$/, '').toLowerCase().split('');
  const parts: Array<{ word: string; token: QuestionToken }> = [];
  for (const token of tokens) {
    if (token.kind !== 'word') continue;
    for (const word of token.lower.split(/[-/]/)) if (word) parts.push({ word, token });
  }
  for (let start = 0; start + letters.length <= parts.length; start += 1) {
    const ok = letters.every((letter, k) => {
      const word = parts[start + k].word;
      if (/\d/.test(letter)) return readSpelledNumber([word], 0)?.value === Number(letter);
      return word.startsWith(letter);
    });
    if (ok) return [...new Set(parts.slice(start, start + letters.length).map((p) => p.token))];
  }
  return undefined;
}
