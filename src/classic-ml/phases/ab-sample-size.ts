import { InputError } from '../../errors.js';
import { normalQuantile } from '../core/distributions.js';
import { requireInRange } from '../core/validate.js';

/** Conventional defaults: two-sided alpha 0.05 and power 0.8 (Cohen 1988). */
export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_POWER = 0.8;

function zSum(alpha: number, power: number): number {
  requireInRange(alpha, 'alpha', 0, 1, true);
  requireInRange(power, 'power', 0, 1, true);
  return normalQuantile(1 - alpha / 2) + normalQuantile(power);
}

/**
 * Per-group sample size to detect an absolute change `minDetectableEffect` in a conversion rate
 * (0.02 = two percentage points), two-sided, with the unpooled normal approximation
 * n = (z₁₋α/₂ + z₁₋β)² · (p₁(1−p₁) + p₂(1−p₂)) / δ², rounded up, p₂ = p₁ + δ.
 */
export function proportionSampleSize(baselineRate: number, minDetectableEffect: number, alpha = DEFAULT_ALPHA, power = DEFAULT_POWER): { perGroup: number; total: number } {
  requireInRange(baselineRate, 'baselineRate', 0, 1, true);
  if (!Number.isFinite(minDetectableEffect) || minDetectableEffect === 0) throw new InputError('minDetectableEffect', `is ${minDetectableEffect}, expected a non-zero absolute change`);
  const p2 = baselineRate + minDetectableEffect;
  if (!(p2 > 0 && p2 < 1)) throw new InputError('minDetectableEffect', `moves the rate to ${p2}, outside (0, 1)`);
  const z = zSum(alpha, power);
  const variance = baselineRate * (1 - baselineRate) + p2 * (1 - p2);
  const perGroup = Math.ceil((z * z * variance) / (minDetectableEffect * minDetectableEffect));
  return { perGroup, total: 2 * perGroup };
}

/** Per-group sample size to detect a difference of means δ with common standard deviation σ: n = 2(z₁₋α/₂ + z₁₋β)² σ² / δ². */
export function meanSampleSize(standardDeviation: number, minDetectableEffect: number, alpha = DEFAULT_ALPHA, power = DEFAULT_POWER): { perGroup: number; total: number } {
  if (!(standardDeviation > 0) || !Number.isFinite(standardDeviation)) throw new InputError('standardDeviation', `is ${standardDeviation}, expected a positive number`);
  if (!Number.isFinite(minDetectableEffect) || minDetectableEffect === 0) throw new InputError('minDetectableEffect', `is ${minDetectableEffect}, expected a non-zero difference`);
  const z = zSum(alpha, power);
  const perGroup = Math.ceil((2 * z * z * standardDeviation * standardDeviation) / (minDetectableEffect * minDetectableEffect));
  return { perGroup, total: 2 * perGroup };
}
