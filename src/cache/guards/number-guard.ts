import { extractQuantities, type Quantity } from './extract-quantities.js';
import type { GuardReason, QuestionGuard } from './guard-types.js';
import { tokenizeQuestion } from './question-tokens.js';

/** Number guard settings. */
export interface NumberGuardOptions {
  /** Compare values after converting units of one dimension (1 km = 1000 m; 20 °C = 68 °F). */
  convertUnits: boolean;
  /** Relative tolerance when comparing converted values (floating point only, not rounding). */
  relativeTolerance: number;
}

/** Defaults: convert units, tolerate only floating-point error. */
export const DEFAULT_NUMBER_GUARD_OPTIONS: NumberGuardOptions = { convertUnits: true, relativeTolerance: 1e-9 };

/**
 * Rejects when the two questions do not state the same quantities: every number (in digits or
 * words) must have a partner of equal value on the other side, in a compatible unit (same
 * dimension; currencies must match exactly) and the same rate period when both state one.
 * @example createNumberGuard().check('Is the limit 5 GB?', 'Is the limit five gigabytes?') // []
 */
export function createNumberGuard(options: Partial<NumberGuardOptions> = {}): QuestionGuard {
  const settings = { ...DEFAULT_NUMBER_GUARD_OPTIONS, ...options };
  return {
    name: 'number',
    check(newQuestion, cachedQuestion) {
      const a = extractQuantities(tokenizeQuestion(newQuestion));
      const b = extractQuantities(tokenizeQuestion(cachedQuestion));
      const unmatchedB = [...b];
      const unmatchedA: Quantity[] = [];
      for (const quantity of a) {
        const index = unmatchedB.findIndex((other) => sameQuantity(quantity, other, settings));
        if (index >= 0) unmatchedB.splice(index, 1);
        else unmatchedA.push(quantity);
      }
      const reasons: GuardReason[] = [];
      for (const quantity of unmatchedA) {
        const sameValue = unmatchedB.find((other) => other.value === quantity.value);
        if (sameValue) {
          reasons.push({ guard: 'number', code: 'number.unit', detail: `"${quantity.text}" vs "${sameValue.text}": same number, different unit or period` });
          unmatchedB.splice(unmatchedB.indexOf(sameValue), 1);
        } else {
          reasons.push({ guard: 'number', code: 'number.value', detail: `"${quantity.text}" in the new question has no equal quantity in the cached one` });
        }
      }
      for (const quantity of unmatchedB) {
        reasons.push({ guard: 'number', code: 'number.value', detail: `"${quantity.text}" in the cached question has no equal quantity in the new one` });
      }
      return reasons;
    },
  };
}

function sameQuantity(a: Quantity, b: Quantity, settings: NumberGuardOptions): boolean {
  if (a.per && b.per && a.per.name !== b.per.name) return false;
  if (!a.unit || !b.unit) return close(a.value, b.value, settings.relativeTolerance);
  if (a.unit.dimension !== b.unit.dimension) return false;
  if (a.unit.dimension === 'currency' || !settings.convertUnits) return a.unit.name === b.unit.name && close(a.value, b.value, settings.relativeTolerance);
  return close(a.unit.toBase(a.value), b.unit.toBase(b.value), settings.relativeTolerance);
}

function close(x: number, y: number, tolerance: number): boolean {
  return Math.abs(x - y) <= tolerance * Math.max(1, Math.abs(x), Math.abs(y));
}
