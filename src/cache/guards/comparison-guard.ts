import type { GuardReason, QuestionGuard } from './guard-types.js';
import { readSpelledNumber } from './number-words.js';
import { stemWord, tokenizeQuestion, type QuestionToken } from './question-tokens.js';

/** Comparison guard settings. */
export interface ComparisonGuardOptions {
  /** Reject when one question bounds a number ("at least 12") and the other states it bare ("12"). */
  rejectOneSidedNumericBound: boolean;
  /** Reject swapped arguments: "Is A faster than B?" vs "Is B faster than A?". */
  checkArgumentOrder: boolean;
  /**
   * One way round: the second text may compare in more directions than the first, as long as it
   * also compares in the first's (evidence stating "within 5 days" under a heading about "after an
   * incident" answers "within how many days"). Off for question-to-question checks.
   */
  allowMoreDirections: boolean;
}

/** Defaults: both checks on. */
export const DEFAULT_COMPARISON_GUARD_OPTIONS: ComparisonGuardOptions = { rejectOneSidedNumericBound: true, checkArgumentOrder: true, allowMoreDirections: false };

type Axis = 'magnitude' | 'time' | 'quality' | 'speed';
interface Cue {
  words: readonly string[];
  axis: Axis;
  /** +1: more, later, better, faster, lower bound; -1: less, earlier, worse, slower, upper bound. */
  sign: 1 | -1;
}

const cue = (phrase: string, axis: Axis, sign: 1 | -1): Cue => ({ words: phrase.split(' '), axis, sign });
const many = (phrases: string[], axis: Axis, sign: 1 | -1): Cue[] => phrases.map((p) => cue(p, axis, sign));

// Longest phrases first so "no more than" wins over "more than" and "more".
const CUES: Cue[] = [
  ...many(['no more than', 'not more than', 'no greater than', 'not to exceed', 'as many as', 'as much as', 'up to', 'at most', 'limited to', 'capped at', 'or less', 'or fewer', 'or below', 'or under', 'or lower'], 'magnitude', -1),
  ...many(['no less than', 'not less than', 'no fewer than', 'not fewer than', 'at least', 'or more', 'or above', 'or over', 'or higher', 'or greater', 'in excess of'], 'magnitude', 1),
  ...many(['more than', 'greater than', 'higher than', 'larger than', 'bigger than', 'longer than', 'older than', 'more', 'greater', 'higher', 'larger', 'bigger', 'longer', 'older', 'over', 'above', 'exceed', 'exceeds', 'exceeded', 'exceeding', 'minimum', 'min', 'increase', 'increases', 'increased', 'increasing', 'rise', 'rises', 'rose', 'risen', 'raise', 'raises', 'raised', 'grow', 'grows', 'grew', 'heavier', 'costlier'], 'magnitude', 1),
  ...many(['less than', 'fewer than', 'lower than', 'smaller than', 'shorter than', 'younger than', 'newer than', 'less', 'fewer', 'lower', 'smaller', 'shorter', 'younger', 'newer', 'under', 'below', 'beneath', 'maximum', 'max', 'decrease', 'decreases', 'decreased', 'decreasing', 'reduce', 'reduces', 'reduced', 'reducing', 'reduction', 'fall', 'falls', 'fell', 'fallen', 'drop', 'drops', 'dropped', 'decline', 'declines', 'declined', 'cheaper', 'lighter', 'shrink', 'shrank'], 'magnitude', -1),
  ...many(['prior to', 'earlier than', 'before', 'earlier', 'within', 'until', 'till', 'sooner'], 'time', -1),
  ...many(['later than', 'after', 'later', 'afterwards', 'beyond'], 'time', 1),
  ...many(['better than', 'better', 'outperform', 'outperforms', 'outperformed', 'superior', 'best'], 'quality', 1),
  ...many(['worse than', 'worse', 'underperform', 'underperforms', 'underperformed', 'inferior', 'worst'], 'quality', -1),
  ...many(['faster than', 'faster', 'quicker', 'fastest'], 'speed', 1),
  ...many(['slower than', 'slower', 'slowest'], 'speed', -1),
].sort((x, y) => y.words.length - x.words.length);

/** CUES by their first word, longest first: findCues looks at a word's few candidates only. */
const CUES_BY_FIRST_WORD = new Map<string, Cue[]>();
for (const c of CUES) CUES_BY_FIRST_WORD.set(c.words[0], [...(CUES_BY_FIRST_WORD.get(c.words[0]) ?? []), c]);
/** One-word cues, which are not arguments of a comparison. */
const SINGLE_WORD_CUES = new Set(CUES.filter((c) => c.words.length === 1).map((c) => c.words[0]));

/** Words that pivot an asymmetric comparison: the arguments sit on either side. */
const PIVOTS = new Set(['than', 'outperform', 'outperforms', 'outperformed', 'underperform', 'underperforms', 'beat', 'beats', 'exceed', 'exceeds']);
const FUNCTION_WORDS = new Set(['a', 'an', 'the', 'is', 'are', 'was', 'were', 'do', 'does', 'did', 'in', 'on', 'for', 'of', 'to', 'at', 'by', 'with', 'this', 'that', 'our', 'we', 'it', 'be', 'can', 'will', 'should', 'would', 'could', 'must', 'has', 'have', 'than', 'and', 'or']);

const NOUN_BOUNDS = new Set(['maximum', 'max', 'minimum', 'min']);

interface Found {
  cue: Cue;
  start: number;
  /** True when a number follows directly ("at least 12") or precedes ("12 or more"). */
  numeric: boolean;
}

/**
 * Rejects when the questions compare in opposite directions ("more than" vs "fewer than",
 * "at least" vs "up to", "before" vs "after", "increase" vs "decrease"), when one bounds a number
 * the other states bare, or when the arguments of a comparison are swapped.
 * @example createComparisonGuard().check('Over $500?', 'Under $500?') // one reason
 */
export function createComparisonGuard(options: Partial<ComparisonGuardOptions> = {}): QuestionGuard {
  const settings = { ...DEFAULT_COMPARISON_GUARD_OPTIONS, ...options };
  return {
    name: 'comparison',
    check(newQuestion, cachedQuestion) {
      const a = tokenizeQuestion(newQuestion).filter((t) => t.kind !== 'symbol');
      const b = tokenizeQuestion(cachedQuestion).filter((t) => t.kind !== 'symbol');
      const cuesA = findCues(a);
      const cuesB = findCues(b);
      const reasons: GuardReason[] = [];
      for (const axis of ['magnitude', 'time', 'quality', 'speed'] as const) {
        const signsA = new Set(cuesA.filter((c) => c.cue.axis === axis).map((c) => c.cue.sign));
        const signsB = new Set(cuesB.filter((c) => c.cue.axis === axis).map((c) => c.cue.sign));
        const differ = settings.allowMoreDirections ? [...signsA].some((sign) => !signsB.has(sign)) : !sameSet(signsA, signsB);
        if (signsA.size > 0 && signsB.size > 0 && differ) {
          reasons.push({ guard: 'comparison', code: 'comparison.direction', detail: `${axis} direction differs: new question [${describe(cuesA, axis)}], cached question [${describe(cuesB, axis)}]` });
        }
      }
      if (settings.rejectOneSidedNumericBound && reasons.length === 0) {
        const boundA = cuesA.filter((c) => c.numeric && c.cue.axis === 'magnitude');
        const boundB = cuesB.filter((c) => c.numeric && c.cue.axis === 'magnitude');
        if ((boundA.length > 0) !== (boundB.length > 0)) {
          const side = boundA.length > 0 ? 'new' : 'cached';
          const found = (boundA.length > 0 ? boundA : boundB)[0];
          reasons.push({ guard: 'comparison', code: 'comparison.bound', detail: `only the ${side} question bounds a number ("${found.cue.words.join(' ')}")` });
        }
      }
      if (settings.checkArgumentOrder) {
        const swapped = swappedArguments(a, b);
        if (swapped) reasons.push({ guard: 'comparison', code: 'comparison.order', detail: `arguments swapped around the comparison ("${swapped}" changes side)` });
      }
      return reasons;
    },
  };
}

function findCues(tokens: QuestionToken[]): Found[] {
  const words = tokens.map((t) => t.lower);
  const found: Found[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const match = CUES_BY_FIRST_WORD.get(words[i])?.find((c) => phraseAt(words, i, c.words));
    if (!match) continue;
    const after = tokens[i + match.words.length];
    const before = tokens[i - 1];
    const trailing = match.words[0] === 'or';
    // Currency symbols were filtered out, so "over $500" reads as "over 500". "maximum" and
    // "minimum" bound the number stated later ("the maximum upload size is 2 GB").
    const numeric = trailing
      ? isNumberish(before)
      : isNumberish(after) || (NOUN_BOUNDS.has(match.words[0]) && tokens.slice(i + 1).some(isNumberish));
    found.push({ cue: match, start: i, numeric });
    i += match.words.length - 1;
  }
  return found;
}

function phraseAt(words: readonly string[], start: number, phrase: readonly string[]): boolean {
  for (let k = 0; k < phrase.length; k += 1) if (words[start + k] !== phrase[k]) return false;
  return true;
}

function isNumberish(token: QuestionToken | undefined): boolean {
  if (!token) return false;
  if (token.kind === 'number') return true;
  return token.kind === 'word' && readSpelledNumber(token.lower.split('-'), 0) !== undefined;
}

function sameSet(x: Set<number>, y: Set<number>): boolean {
  return x.size === y.size && [...x].every((v) => y.has(v));
}

function describe(cues: Found[], axis: Axis): string {
  return cues.filter((c) => c.cue.axis === axis).map((c) => c.cue.words.join(' ')).join(', ');
}

/** Content stems left and right of the pivot ("than", "outperforms"), or undefined without one. */
function sides(tokens: QuestionToken[]): { left: Set<string>; right: Set<string> } | undefined {
  const pivot = tokens.findIndex((t) => PIVOTS.has(t.lower));
  if (pivot < 0) return undefined;
  const content = (slice: QuestionToken[]): Set<string> =>
    new Set(slice.filter((t) => !FUNCTION_WORDS.has(t.lower) && !SINGLE_WORD_CUES.has(t.lower)).map((t) => stemWord(t.lower)));
  return { left: content(tokens.slice(0, pivot)), right: content(tokens.slice(pivot + 1)) };
}

/** A word that sits left of the pivot in one question and right of it in the other. */
function swappedArguments(a: QuestionToken[], b: QuestionToken[]): string | undefined {
  const sa = sides(a);
  const sb = sides(b);
  if (!sa || !sb) return undefined;
  for (const word of sa.left) {
    if (!sa.right.has(word) && sb.right.has(word) && !sb.left.has(word)) return word;
  }
  for (const word of sa.right) {
    if (!sa.left.has(word) && sb.left.has(word) && !sb.right.has(word)) return word;
  }
  return undefined;
}
