import type { GuardReason, QuestionGuard } from './guard-types.js';
import { stemWord, tokenizeQuestion, type QuestionToken } from './question-tokens.js';

/** Negation guard settings. */
export interface NegationGuardOptions {
  /** Count affixed negation relative to the other question: "unsupported" vs "supported". */
  affixes: boolean;
  /** Count words that negate by meaning (prohibit, exclude, optional, exempt ...). */
  lexical: boolean;
  /** Extra negative words (lowercase, matched exactly: list each inflection). */
  extraNegativeWords: string[];
}

/** Defaults: every cue on. */
export const DEFAULT_NEGATION_GUARD_OPTIONS: NegationGuardOptions = { affixes: true, lexical: true, extraNegativeWords: [] };

/** Function-word negation cues (contractions are split into `not` by the tokenizer). */
const NEGATION_WORDS = new Set(['not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'without', 'nowhere', 'nope']);
/** Two-word cues counted once: "no longer", "fail to" ("need not" is read below). */
const NEGATION_PHRASES: ReadonlyArray<readonly [string, string]> = [
  ['no', 'longer'],
  ['not', 'yet'],
  ['fail', 'to'], ['fails', 'to'], ['failed', 'to'],
  ['turned', 'off'], ['switched', 'off'], ['turn', 'off'], ['switch', 'off'],
];
/** "no more than 8" is a bound, not a negation: the comparison guard reads it. */
const BOUND_FOLLOWERS = new Set(['more', 'less', 'fewer', 'greater', 'later', 'earlier', 'longer', 'shorter']);
/** Words that negate by meaning (antonyms of permit, include, require, enable, accept ...). */
const NEGATIVE_LEXICON = [
  'prohibit', 'prohibits', 'prohibited', 'forbid', 'forbids', 'forbidden', 'disallow', 'disallows', 'disallowed', 'ban', 'bans', 'banned', 'barred',
  'exclude', 'excludes', 'excluded', 'excluding', 'disable', 'disables', 'disabled', 'deactivate', 'deactivated',
  'refuse', 'refuses', 'refused', 'reject', 'rejects', 'rejected', 'deny', 'denies', 'denied', 'revoke', 'revoked',
  'optional', 'exempt', 'exempted', 'lack', 'lacks', 'lacking', 'deprivation', 'deprived', 'absence', 'absent',
  'offline', 'impossible', 'unable',
];
/** Negative prefixes: counted only when the other question has the bare word. */
const NEGATIVE_PREFIXES = ['non-', 'non', 'un', 'in', 'im', 'il', 'ir', 'dis', 'de'];

/**
 * Rejects when the questions differ in negation: the count of negation cues (not, n't, never,
 * no, without, no longer, need not, fail to), negative words (prohibited, excluded, optional,
 * exempt, disabled) and affixed negation relative to the other question (unsupported vs
 * supported, ineligible vs eligible) must be equal on both sides.
 * @example createNegationGuard().check('Is X covered?', 'Is X not covered?') // one reason
 */
export function createNegationGuard(options: Partial<NegationGuardOptions> = {}): QuestionGuard {
  const settings = { ...DEFAULT_NEGATION_GUARD_OPTIONS, ...options };
  const lexicon = new Set([...NEGATIVE_LEXICON, ...settings.extraNegativeWords.map((w) => w.toLowerCase())]);
  return {
    name: 'negation',
    check(newQuestion, cachedQuestion) {
      const a = tokenizeQuestion(newQuestion).filter((t) => t.kind !== 'symbol');
      const b = tokenizeQuestion(cachedQuestion).filter((t) => t.kind !== 'symbol');
      const cuesA = negationCues(a, b, settings, lexicon);
      const cuesB = negationCues(b, a, settings, lexicon);
      if (cuesA.length === cuesB.length) return [];
      const reason: GuardReason = {
        guard: 'negation',
        code: 'negation.polarity',
        detail: `negation differs: new question [${cuesA.join(', ') || 'none'}], cached question [${cuesB.join(', ') || 'none'}]`,
      };
      return [reason];
    },
  };
}

function negationCues(tokens: QuestionToken[], other: QuestionToken[], settings: NegationGuardOptions, lexicon: Set<string>): string[] {
  const words = tokens.map((t) => t.lower);
  const cues: string[] = [];
  let otherWords: OtherWords | undefined;
  for (let i = 0; i < words.length; i += 1) {
    const phrase = NEGATION_PHRASES.find((p) => p[0] === words[i] && p[1] === words[i + 1]);
    if (phrase) {
      cues.push(phrase.join(' '));
      i += phrase.length - 1;
      continue;
    }
    const word = words[i];
    if ((word === 'no' || word === 'not') && BOUND_FOLLOWERS.has(words[i + 1] ?? '')) continue;
    if (word === 'need' && words[i + 1] === 'not') {
      cues.push('need not');
      i += 1;
      continue;
    }
    if (NEGATION_WORDS.has(word)) {
      cues.push(word);
      continue;
    }
    if (settings.lexical && lexicon.has(word)) {
      cues.push(word);
      continue;
    }
    if (settings.affixes && isAffixedNegation(word, (otherWords ??= wordsOf(other)))) cues.push(word);
  }
  return cues;
}

/** The other question's words and their stems, built once per question pair. */
interface OtherWords {
  words: Set<string>;
  stems: Set<string>;
}

function wordsOf(tokens: QuestionToken[]): OtherWords {
  return { words: new Set(tokens.map((t) => t.lower)), stems: new Set(tokens.map((t) => stemWord(t.lower))) };
}

/** "unsupported" counts when the other question has "supported" (or "support") but not "unsupported". */
function isAffixedNegation(word: string, other: OtherWords): boolean {
  if (other.words.has(word)) return false;
  for (const prefix of NEGATIVE_PREFIXES) {
    if (!word.startsWith(prefix) || word.length - prefix.length < 4) continue;
    const bare = word.slice(prefix.length);
    if (other.words.has(bare) || other.stems.has(stemWord(bare))) return true;
  }
  return false;
}
