import { InputError } from '../../errors.js';
import { binShares, DEFAULT_DRIFT_BINS, referenceEdges, requireSamples } from './reference-bins.js';

/** Jensen-Shannon divergence (base 2, so in [0, 1]) of two discrete distributions given as shares. */
export function jensenShannonOfShares(p: readonly number[], q: readonly number[]): number {
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) divergence += 0.5 * p[i] * Math.log2(p[i] / m);
    if (q[i] > 0) divergence += 0.5 * q[i] * Math.log2(q[i] / m);
  }
  return Math.max(0, divergence);
}

/** Jensen-Shannon divergence (base 2) between samples binned at the reference's quantiles. */
export function jensenShannonDivergence(reference: readonly number[], current: readonly number[], bins = DEFAULT_DRIFT_BINS): number {
  requireSamples(reference, current);
  if (!Number.isInteger(bins) || bins < 2) throw new InputError('bins', `is ${bins}, expected an integer >= 2`);
  const edges = referenceEdges(reference, bins);
  return jensenShannonOfShares(binShares(reference, edges), binShares(current, edges));
}
