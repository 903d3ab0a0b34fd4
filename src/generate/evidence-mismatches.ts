import { createComparisonGuard } from '../cache/guards/comparison-guard.js';
import { createEntityGuard } from '../cache/guards/entity-guard.js';
import { extractQuantities, type Quantity } from '../cache/guards/extract-quantities.js';
import type { GuardReason } from '../cache/guards/guard-types.js';
import { createNegationGuard } from '../cache/guards/negation-guard.js';
import { tokenizeQuestion } from '../cache/guards/question-tokens.js';

// The answer cache's guards, built once: they hold no state between calls.
const negation = createNegationGuard();
// A swap only (the question names X, the evidence names other entities and not X); an evidence
// sentence naming more entities than the question is normal.
const entity = createEntityGuard({ rejectOneSided: false, rejectSingleWordSwap: false });
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
  const available = extractQuantities(tokenizeQuestion(passage));
  for (const quantity of extractQuantities(tokenizeQuestion(question))) {
    if (!available.some((other) => sameValue(quantity, other))) {
      reasons.push({ guard: 'number', code: 'number.value', detail: `"${quantity.text}" in the question is not in the evidence` });
    }
  }
  reasons.push(...entity.check(question, passage));
  return reasons;
}

/** The negation and comparison checks of `evidenceMismatches`: the sentence's own polarity and direction. */
export function sentenceMismatches(questionText: string, evidenceText: string): GuardReason[] {
  const question = withoutDiacritics(questionText);
  const evidence = withoutDiacritics(evidenceText);
  const reasons: GuardReason[] = [];
  // The negation guard counts cues against the other text: against nothing, it reports whether a text has any.
  if (negation.check(withoutConditions(question), '').length > 0 && negation.check(evidence, '').length === 0) {
    reasons.push({ guard: 'negation', code: 'negation.polarity', detail: 'the question is negated and the evidence is not' });
  }
  // "before giving up": a time word before a verb narrates; "before the merger" bounds the question.
  reasons.push(...comparison.check(question.replace(/\b(?:before|after|until|since)\s+\p{L}+ing\b/giu, ' '), evidence));
  return reasons;
}
