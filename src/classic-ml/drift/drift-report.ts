import { InputError } from '../../errors.js';
import { chiSquareTest } from './chi-square-test.js';
import { jensenShannonDivergence } from './jensen-shannon-divergence.js';
import { kolmogorovSmirnovTest } from './kolmogorov-smirnov-test.js';
import { populationStabilityIndex } from './population-stability-index.js';
import { DEFAULT_DRIFT_BINS } from './reference-bins.js';

/** Methodology drift playbook: PSI > 0.1 is a warning, PSI > 0.25 is critical (retrain within 24 h). */
export const PSI_WARNING = 0.1;
export const PSI_CRITICAL = 0.25;
/** Methodology monitoring alert "divergence > 0.1 from training distribution", applied to JS divergence. */
export const JS_WARNING = 0.1;
/** KS and chi-square raise a warning (the playbook's severity for tests) when p < alpha. */
export const DEFAULT_DRIFT_ALPHA = 0.05;

/** Drift methods the drift tool offers. */
export type DriftMethod = 'psi' | 'ks' | 'js' | 'chi2';
/** Verdicts of the methodology's playbook. */
export type DriftVerdict = 'none' | 'warning' | 'critical';

/** Result of one drift check. */
export interface DriftReport {
  method: DriftMethod;
  statistic: number;
  pValue?: number;
  verdict: DriftVerdict;
}

function requireNumeric(values: readonly unknown[], field: string): number[] {
  values.forEach((v, i) => {
    if (typeof v !== 'number') throw new InputError(field, `value at index ${i} is ${typeof v}, method needs numbers (use chi2 for categories)`);
  });
  return values as number[];
}

/** Runs one drift method and applies the playbook thresholds. */
export function driftReport(
  reference: readonly (number | string | boolean)[],
  current: readonly (number | string | boolean)[],
  method: DriftMethod,
  options: { bins?: number; alpha?: number } = {},
): DriftReport {
  const bins = options.bins ?? DEFAULT_DRIFT_BINS;
  const alpha = options.alpha ?? DEFAULT_DRIFT_ALPHA;
  switch (method) {
    case 'psi': {
      const statistic = populationStabilityIndex(requireNumeric(reference, 'reference'), requireNumeric(current, 'current'), bins);
      return { method, statistic, verdict: statistic > PSI_CRITICAL ? 'critical' : statistic > PSI_WARNING ? 'warning' : 'none' };
    }
    case 'js': {
      const statistic = jensenShannonDivergence(requireNumeric(reference, 'reference'), requireNumeric(current, 'current'), bins);
      return { method, statistic, verdict: statistic > JS_WARNING ? 'warning' : 'none' };
    }
    case 'ks': {
      const result = kolmogorovSmirnovTest(requireNumeric(reference, 'reference'), requireNumeric(current, 'current'));
      return { method, statistic: result.statistic, pValue: result.pValue, verdict: result.pValue < alpha ? 'warning' : 'none' };
    }
    case 'chi2': {
      const result = chiSquareTest(reference, current);
      return { method, statistic: result.statistic, pValue: result.pValue, verdict: result.pValue < alpha ? 'warning' : 'none' };
    }
  }
}
