import { InputError } from '../../errors.js';
import { chiSquareSurvival } from '../core/distributions.js';

/**
 * Chi-square test of homogeneity for categorical samples: the 2 × K table of reference and
 * current counts, no continuity correction (scipy's chi2_contingency with correction=False).
 */
export function chiSquareTest(
  reference: readonly (string | number | boolean)[],
  current: readonly (string | number | boolean)[],
): { statistic: number; pValue: number; degreesOfFreedom: number; categories: string[] } {
  for (const [field, values] of [['reference', reference], ['current', current]] as const) {
    if (!Array.isArray(values) || values.length === 0) throw new InputError(field, 'is empty; needs categorical values');
    values.forEach((v, i) => {
      if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) {
        throw new InputError(field, `value at index ${i} is ${String(v)}, expected a category`);
      }
    });
  }
  const refCounts = new Map<string, number>();
  const curCounts = new Map<string, number>();
  for (const v of reference) refCounts.set(String(v), (refCounts.get(String(v)) ?? 0) + 1);
  for (const v of current) curCounts.set(String(v), (curCounts.get(String(v)) ?? 0) + 1);
  const categories = [...new Set([...refCounts.keys(), ...curCounts.keys()])].sort();
  if (categories.length < 2) throw new InputError('reference', `has a single category (${categories[0]}) across both samples; chi-square needs at least 2`);
  const total = reference.length + current.length;
  let statistic = 0;
  for (const category of categories) {
    const column = (refCounts.get(category) ?? 0) + (curCounts.get(category) ?? 0);
    for (const [observed, rowTotal] of [[refCounts.get(category) ?? 0, reference.length], [curCounts.get(category) ?? 0, current.length]]) {
      const expected = (rowTotal * column) / total;
      statistic += (observed - expected) ** 2 / expected;
    }
  }
  const degreesOfFreedom = categories.length - 1;
  return { statistic, pValue: chiSquareSurvival(statistic, degreesOfFreedom), degreesOfFreedom, categories };
}
