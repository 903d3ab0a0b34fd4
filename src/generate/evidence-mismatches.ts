import { createComparisonGuard } from '../cache/guards/comparison-guard.js';
import { entitiesMissingIn, entityPresence, entityWords, type EntityPresence } from '../cache/guards/entity-guard.js';
import { extractQuantities, type Quantity } from '../cache/guards/extract-quantities.js';
import type { GuardReason } from '../cache/guards/guard-types.js';
import { createNegationGuard } from '../cache/guards/negation-guard.js';
import { stemWord, tokenizeQuestion, type QuestionToken } from '../cache/guards/question-tokens.js';
import { recentMemo } from '../recent-memo.js';

// The answer cache's guards, built once: they hold no state between calls.
const negation = createNegationGuard();
// Opposite directions only: evidence states bare numbers where questions bound them ("more than 5"),
// and may compare in more directions than the question as long as it also compares in the question's.
const comparison = createComparisonGuard({ rejectOneSidedNumericBound: false, checkArgumentOrder: false, allowMoreDirections: true });

function withoutDiacritics(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '');
}

/**
 * The question without its conditional clauses: "How long will it wait if I do not set a timeout?"
 * asks about the default, not about something that does not happen; the negation in the condition is
 * not the question's polarity.
 */
function withoutConditions(question: string): string {
  return question.replace(/\b(?:if|unless|when|whether|without|in case)\b[^,?;]*/gi, ' ');
}

function sameValue(a: Quantity, b: Quantity): boolean {
  return Math.abs(a.value - b.value) <= 1e-9 * Math.max(1, Math.abs(a.value));
}

/**
 * Why a piece of evidence cannot answer a question, by the answer cache's guards (src/cache/guards)
 * applied between the question and the evidence (the sentence or table row with its title and
 * headings), one way round. Numbers and entities are looked up in `passageText` when given (the
 * chunk the sentence is read in: "the group" in the sentence, "Destiny's Child" two sentences
 * earlier); negation and direction are the sentence's own:
 * - number: every quantity the question states ("the 12th", "1887", "Tier 1") must be in the
 *   evidence with the same value (a question about the 12th is not answered by the 15th);
 * - negation: a negated question ("Which plans do not include SSO?") needs negated evidence;
 * - entity: the question names an entity the evidence lacks while naming others (a swap);
 * - comparison: both compare on one axis in opposite directions ("before" vs "after"); a time
 *   word before a verb ("before giving up") narrates and is not compared.
 * The negation check ignores conditional clauses ("if I do not set a timeout").
 * An empty list: no objection.
 * @example evidenceMismatches('Who won the 12th edition?', 'The 15th edition was won by Ada.') // one number reason
 */
export function evidenceMismatches(questionText: string, evidenceText: string, passageText: string = evidenceText): GuardReason[] {
  return [...passageMismatches(questionText, passageText), ...sentenceMismatches(questionText, evidenceText)];
}

/**
 * The number and entity checks of `evidenceMismatches`, against the passage a sentence is read in:
 * the same for every sentence of a chunk, so callers check them once per chunk.
 */
export function passageMismatches(questionText: string, passageText: string): GuardReason[] {
  // Diacritics dropped on both sides, as contentTerms does: "Beyonce" names "Beyoncé".
  const question = withoutDiacritics(questionText);
  const passage = withoutDiacritics(passageText);
  const reasons: GuardReason[] = [];
  const facts = passageFacts(passage);
  const available = facts.quantities();
  const words = facts.words();
  for (const quantity of extractQuantities(tokenizeQuestion(question))) {
    // "first" describes more often than it counts ("her first album", "which airlines first agreed"):
    // it is checked against the sentence (sentenceMismatches), not required of the passage. A small
    // count in words with no unit sizes the answer ("what two instruments", "one of the reasons"),
    // it is not a figure the evidence must state.
    if (isFirst(quantity) || (isSmallCount(quantity) && !countsOtherwise(question, quantity, facts))) continue;
    // Digits inside a quoted title ("Top 20 Hot 100 Songwriters") are words of the passage.
    if (quantity.unit === undefined && /^\d[\d,.]*$/.test(quantity.text) && words.holds(quantity.text)) continue;
    if (!available.some((other) => sameValue(quantity, other))) {
      reasons.push({ guard: 'number', code: 'number.value', detail: `"${quantity.text}" in the question is not in the evidence` });
    }
  }
  // A swap only (the question names X, the evidence names other entities and not X); an evidence
  // passage naming more entities than the question is normal. Names are matched leniently, as
  // people write them in questions: any case and punctuation ("U.S" / "US", "Jay Z" / "Jay-Z"),
  // words run together ("Superbowl"), one letter off in a long name ("Roberson" / "Robertson").
  const asked = tokenizeQuestion(question).filter((t) => t.kind !== 'symbol');
  const missing = entitiesMissingIn(asked, entityWords(asked), facts.presence()).filter((token) => !words.holds(token.text));
  // A name of several words is one name: "Clawshot Princess" is not "Twilight Princess" because the
  // passage says "Clawshot" elsewhere (one word may stand between: "Beyonce Knowles" / "Beyonce Giselle Knowles").
  for (const span of nameSpans(question)) {
    if (span.some((token) => missing.includes(token))) continue;
    if (!words.holdsInSequence(span.map((token) => token.text))) missing.push(...span);
  }
  if (missing.length > 0 && entitiesMissingIn(facts.tokens, facts.entities(), entityPresence(asked)).length > 0) {
    reasons.push({ guard: 'entity', code: 'entity.swap', detail: `the question names ${missing.map((t) => `"${t.text}"`).join(', ')}, which the evidence does not` });
  }
  return reasons;
}

/** Runs of two or more capitalized name words next to each other in the question (quoted strings, codes and acronyms apart). */
function nameSpans(question: string): QuestionToken[][] {
  const tokens = tokenizeQuestion(question).filter((t) => t.kind !== 'symbol');
  // Capitalized words only: an acronym or code beside a name ("the Premium API plan") is not part of it.
  const names = entityWords(tokens).filter((token) => token.kind === 'word' && /^\p{Lu}\p{Ll}/u.test(token.text));
  // A possessive ends a name: "Beyonce's European tour", "New York Times' Jon Pareles".
  const possessive = new Set((question.normalize('NFKC').match(/[\p{L}\p{N}.]+(?=['’]s?\b)/gu) ?? []).map((word) => word.toLowerCase()));
  const spans: QuestionToken[][] = [];
  let open = false;
  for (const token of names) {
    const last = spans[spans.length - 1];
    if (open && last && last[last.length - 1].position === token.position - 1) last.push(token);
    else spans.push([token]);
    open = !possessive.has(token.lower);
  }
  return spans.filter((span) => span.length >= 2);
}

/** The ordinal "first" ("first year" too: an ordinal before a unit word is not a measure). */
function isFirst(quantity: Quantity): boolean {
  return quantity.ordinal === true && quantity.value === 1;
}

/**
 * Whether the passage counts the noun after `quantity` in the question with another number: "two
 * buttons" asked, "one button" stated.
 */
function countsOtherwise(question: string, quantity: Quantity, facts: PassageFacts): boolean {
  const tokens = tokenizeQuestion(question).filter((t) => t.kind !== 'symbol');
  const noun = tokens[quantity.end + 1];
  if (noun === undefined || noun.kind !== 'word') return false;
  const stem = stemWord(noun.lower);
  const passageTokens = facts.tokens;
  return facts.wordQuantities().some((stated) => {
    const next = passageTokens[stated.end + 1];
    return next !== undefined && stemWord(next.lower) === stem && !sameValue(stated, quantity);
  });
}

/** A cardinal from one to ten in words, with no unit. */
function isSmallCount(quantity: Quantity): boolean {
  return quantity.ordinal !== true && quantity.unit === undefined && quantity.value >= 1 && quantity.value <= 10 && Number.isInteger(quantity.value) && !/\d/.test(quantity.text);
}

/** Lower case, no diacritics, possessives dropped, every run of other characters one space. */
function plainWords(text: string): string {
  return withoutDiacritics(text).toLowerCase().replace(/['’]s\b/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * What the checks read from a passage, whatever the question: its tokens, quantities, plain words
 * and entity index, each computed on first use. The same chunks are checked against question after
 * question, so the facts of the passages checked lately are kept.
 */
class PassageFacts {
  readonly tokens: readonly QuestionToken[];
  private readonly all: readonly QuestionToken[];
  private memo: { quantities?: Quantity[]; wordQuantities?: Quantity[]; words?: PassageWords; presence?: EntityPresence; entities?: QuestionToken[] } = {};
  constructor(private readonly passage: string) {
    this.all = tokenizeQuestion(passage);
    this.tokens = this.all.filter((t) => t.kind !== 'symbol');
  }

  quantities(): Quantity[] {
    return (this.memo.quantities ??= extractQuantities(this.all));
  }

  /** Quantities read without symbols (their token indexes are into `tokens`). */
  wordQuantities(): Quantity[] {
    return (this.memo.wordQuantities ??= extractQuantities(this.tokens));
  }

  words(): PassageWords {
    return (this.memo.words ??= new PassageWords(this.passage));
  }

  presence(): EntityPresence {
    return (this.memo.presence ??= entityPresence(this.tokens));
  }

  entities(): QuestionToken[] {
    return (this.memo.entities ??= entityWords(this.tokens));
  }
}

/** The 256 passages checked lately. */
const passageFactsKept = recentMemo<PassageFacts>(256);

/** Forgets the passages' facts (bench/answers.ts times a first reading with it). */
export function clearPassageFacts(): void {
  passageFactsKept.clear();
}

function passageFacts(passage: string): PassageFacts {
  return passageFactsKept.get(passage, () => new PassageFacts(passage));
}

/** A passage's words as plain text, for lenient name lookups. */
class PassageWords {
  private readonly padded: string;
  private readonly words: string[];
  constructor(passage: string) {
    const plain = plainWords(passage);
    this.padded = ` ${plain} `;
    this.words = plain.split(' ');
  }

  /**
   * Whether the passage says the names in order, at most two words between consecutive ones ("MTV
   * Awards" / "MTV Video Music Awards"), each word as `holds` reads one, or as their initials ("United
   * States" / "US").
   */
  holdsInSequence(names: readonly string[]): boolean {
    const words = names.flatMap((name) => plainWords(name).split(' ')).filter((word) => word !== '');
    if (words.length === 0) return true;
    if (words.length >= 2 && this.padded.includes(` ${words.map((word) => word[0]).join('')} `)) return true;
    const same = (passageWord: string | undefined, word: string) => passageWord !== undefined && (passageWord === word || (word.length >= 6 && passageWord[0] === word[0] && oneEditApart(passageWord, word)));
    for (let i = 0; i < this.words.length; i++) {
      if (!same(this.words[i], words[0])) continue;
      let at = i;
      const ok = words.slice(1).every((word) => {
        for (let gap = 1; gap <= 3; gap++) {
          if (same(this.words[at + gap], word)) {
            at += gap;
            return true;
          }
        }
        return false;
      });
      if (ok) return true;
    }
    return false;
  }

  /** Whether the passage says `name`: its plain words in sequence, run together, or (a long single word) one edit away. */
  holds(name: string): boolean {
    const plain = plainWords(name);
    if (plain === '') return true;
    if (this.padded.includes(` ${plain} `) || this.padded.includes(` ${plain.replace(/ /g, '')} `)) return true;
    if (plain.includes(' ')) return false;
    // Two passage words run together in the question ("Superbowl" / "Super Bowl").
    for (let i = 0; i + 1 < this.words.length; i++) if (this.words[i].length + this.words[i + 1].length === plain.length && this.words[i] + this.words[i + 1] === plain) return true;
    // One letter off in a long name: a typo, not another name.
    return plain.length >= 6 && /^\p{L}+$/u.test(plain) && this.words.some((word) => word[0] === plain[0] && oneEditApart(word, plain));
  }
}

/**
 * One letter inserted, dropped, replaced or two swapped inside the word (Levenshtein 1 or one
 * adjacent transposition), never at its end: an ending that differs is another word form
 * ("Australia" / "Australian"), not a typo.
 */
function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) {
    const diffs: number[] = [];
    for (let i = 0; i < a.length && diffs.length <= 2; i++) if (a[i] !== b[i]) diffs.push(i);
    if (diffs[diffs.length - 1] === a.length - 1) return false;
    if (diffs.length === 1) return true;
    return diffs.length === 2 && diffs[1] === diffs[0] + 1 && a[diffs[0]] === b[diffs[1]] && a[diffs[1]] === b[diffs[0]];
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  return i < short.length && short.slice(i) === long.slice(i + 1);
}

/** The negation and comparison checks of `evidenceMismatches`: the sentence's own polarity and direction. */
export function sentenceMismatches(questionText: string, evidenceText: string): GuardReason[] {
  const question = withoutDiacritics(questionText);
  const evidence = withoutDiacritics(evidenceText);
  const reasons: GuardReason[] = [];
  // "first" in the question, another ordinal in the sentence: "the second African American woman" is not the first.
  const asked = extractQuantities(tokenizeQuestion(question));
  if (asked.some(isFirst)) {
    const stated = extractQuantities(tokenizeQuestion(evidence)).filter((q) => q.ordinal === true && q.unit === undefined);
    if (stated.length > 0 && !stated.some((q) => q.value === 1)) reasons.push({ guard: 'number', code: 'number.value', detail: `the question asks about the first, the evidence states the ${stated[0].text}` });
  }
  // The negation guard counts cues against the other text: against nothing, it reports whether a text has any.
  if (negation.check(withoutConditions(question), '').length > 0 && negation.check(evidence, '').length === 0) {
    reasons.push({ guard: 'negation', code: 'negation.polarity', detail: 'the question is negated and the evidence is not' });
  }
  // "before giving up": a time word before a verb narrates; "before the merger" bounds the question.
  reasons.push(...comparison.check(question.replace(/\b(?:before|after|until|since)\s+\p{L}+ing\b/giu, ' '), evidence));
  return reasons;
}
