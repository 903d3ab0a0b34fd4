import { InputError } from '../../errors.js';
import { binShares, DEFAULT_DRIFT_BINS, referenceEdges, requireSamples } from './reference-bins.js';

/** Empty bins are floored at this share so ln(cur/ref) stays finite (a common PSI convention). */
export const PSI_EMPTY_BIN_FLOOR = 1e-4;

/**
 * Population stability index Σ (cur − ref) ln(cur / ref) over bins at the reference's quantiles
 * (deciles by default), with shares floored at 1e-4.
 */
export function populationStabilityIndex(reference: readonly number[], current: readonly number[], bins = DEFAULT_DRIFT_BINS): number {
  requireSamples(reference, current);
  if (!Number.isInteger(bins) || bins < 2) throw new InputError('bins', `is ${bins}, expected an integer >= 2`);
  const edges = referenceEdges(reference, bins);
  const ref = binShares(reference, edges);
  const cur = binShares(current, edges);
  let psi = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = Math.max(ref[i], PSI_EMPTY_BIN_FLOOR);
    const c = Math.max(cur[i], PSI_EMPTY_BIN_FLOOR);
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}
