import { createComparisonGuard, type ComparisonGuardOptions } from './comparison-guard.js';
import { createEntityGuard, type EntityGuardOptions } from './entity-guard.js';
import type { GuardReason, QuestionGuard } from './guard-types.js';
import { createNegationGuard, type NegationGuardOptions } from './negation-guard.js';
import { createNumberGuard, type NumberGuardOptions } from './number-guard.js';

/** Which guards run and their settings; a guard set to `false` is off. */
export interface GuardSetOptions {
  negation?: Partial<NegationGuardOptions> | false;
  number?: Partial<NumberGuardOptions> | false;
  entity?: Partial<EntityGuardOptions> | false;
  comparison?: Partial<ComparisonGuardOptions> | false;
}

/** Runs every enabled guard and collects all reasons. */
export interface GuardSet {
  readonly guards: readonly QuestionGuard[];
  check(newQuestion: string, cachedQuestion: string): GuardReason[];
}

/**
 * Builds the question guards (negation, numbers and units, entities, comparison direction).
 * @example createGuardSet({ entity: false }).check('Is X covered?', 'Is X not covered?')
 */
export function createGuardSet(options: GuardSetOptions = {}): GuardSet {
  const guards: QuestionGuard[] = [];
  if (options.negation !== false) guards.push(createNegationGuard(options.negation ?? {}));
  if (options.number !== false) guards.push(createNumberGuard(options.number ?? {}));
  if (options.entity !== false) guards.push(createEntityGuard(options.entity ?? {}));
  if (options.comparison !== false) guards.push(createComparisonGuard(options.comparison ?? {}));
  return {
    guards,
    check: (newQuestion, cachedQuestion) => guards.flatMap((guard) => guard.check(newQuestion, cachedQuestion)),
  };
}
