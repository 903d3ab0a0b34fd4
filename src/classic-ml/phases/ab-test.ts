import { InputError } from '../../errors.js';
import { normalQuantile, normalSurvival } from '../core/distributions.js';
import { DEFAULT_ALPHA } from './ab-sample-size.js';

/** Methodology: at least one full business cycle, 7 days minimum; kill after 2× the minimum runtime without a win. */
export const DEFAULT_MINIMUM_RUNTIME_DAYS = 7;

/** Conversions out of visitors for one arm. */
export interface Arm {
  conversions: number;
  visitors: number;
}

/** A guardrail metric that must not degrade: its value per arm and which direction is better. */
export interface Guardrail {
  name: string;
  control: number;
  treatment: number;
  higherIsBetter: boolean;
  /** Allowed relative degradation before it counts as a regression (0.01 = 1%). */
  tolerance?: number;
}

/** Input of an A/B decision. */
export interface AbTestInput {
  control: Arm;
  treatment: Arm;
  alpha?: number;
  /** "Treatment > control by > X%": minimum relative lift to ship (0.02 = 2%). */
  minimumRelativeLift?: number;
  guardrails?: Guardrail[];
  runtimeDays?: number;
  minimumRuntimeDays?: number;
}

/** Result of the two-proportion z-test and the ship / iterate / kill decision. */
export interface AbTestResult {
  controlRate: number;
  treatmentRate: number;
  absoluteLift: number;
  relativeLift: number;
  z: number;
  pValue: number;
  confidenceInterval: [number, number];
  guardrailRegressions: string[];
  decision: 'ship' | 'iterate' | 'kill';
  reasons: string[];
}

function checkArm(arm: Arm, field: string): void {
  if (!Number.isInteger(arm.visitors) || arm.visitors < 1) throw new InputError(`${field}.visitors`, `is ${arm.visitors}, expected a positive integer`);
  if (!Number.isInteger(arm.conversions) || arm.conversions < 0 || arm.conversions > arm.visitors) {
    throw new InputError(`${field}.conversions`, `is ${arm.conversions}, expected an integer in [0, visitors=${arm.visitors}]`);
  }
}

/**
 * Two-proportion z-test with the pooled standard error (statsmodels proportions_ztest), a Wald
 * interval for the difference, and the methodology's decision: ship when treatment beats control by
 * more than the minimum lift with p < alpha and no guardrail regression after the minimum runtime;
 * kill on a guardrail breach or no win after 2× the minimum runtime; otherwise iterate.
 */
export function abTest(input: AbTestInput): AbTestResult {
  checkArm(input.control, 'control');
  checkArm(input.treatment, 'treatment');
  const alpha = input.alpha ?? DEFAULT_ALPHA;
  if (!(alpha > 0 && alpha < 1)) throw new InputError('alpha', `is ${alpha}, expected a number in (0, 1)`);
  const { control: c, treatment: t } = input;
  const p1 = c.conversions / c.visitors;
  const p2 = t.conversions / t.visitors;
  const pooled = (c.conversions + t.conversions) / (c.visitors + t.visitors);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / c.visitors + 1 / t.visitors));
  if (pooledSe === 0) throw new InputError('control.conversions', 'both arms convert at 0% or 100%; the z-test is undefined');
  const z = (p2 - p1) / pooledSe;
  const pValue = Math.min(1, 2 * normalSurvival(Math.abs(z)));
  const se = Math.sqrt((p1 * (1 - p1)) / c.visitors + (p2 * (1 - p2)) / t.visitors);
  const half = normalQuantile(1 - alpha / 2) * se;
  const relativeLift = p1 === 0 ? (p2 === 0 ? 0 : Infinity) : (p2 - p1) / p1;
  const guardrailRegressions = (input.guardrails ?? [])
    .filter((g) => {
      const tolerance = Math.abs(g.control) * (g.tolerance ?? 0);
      return g.higherIsBetter ? g.treatment < g.control - tolerance : g.treatment > g.control + tolerance;
    })
    .map((g) => g.name);
  const minimumLift = input.minimumRelativeLift ?? 0;
  const minimumDays = input.minimumRuntimeDays ?? DEFAULT_MINIMUM_RUNTIME_DAYS;
  const reasons: string[] = [];
  let decision: AbTestResult['decision'];
  const significantWin = pValue < alpha && p2 > p1 && relativeLift > minimumLift;
  const ranLongEnough = input.runtimeDays === undefined || input.runtimeDays >= minimumDays;
  if (guardrailRegressions.length > 0) {
    decision = 'kill';
    reasons.push(`guardrail breach: ${guardrailRegressions.join(', ')}`);
  } else if (significantWin && ranLongEnough) {
    decision = 'ship';
    reasons.push(`treatment beats control by ${(relativeLift * 100).toFixed(2)}% (> ${(minimumLift * 100).toFixed(2)}%) with p = ${pValue.toPrecision(3)} < ${alpha}; no guardrail regression`);
  } else if (input.runtimeDays !== undefined && input.runtimeDays >= 2 * minimumDays) {
    decision = 'kill';
    reasons.push(`no significant improvement after ${input.runtimeDays} days (2× the ${minimumDays}-day minimum runtime)`);
  } else {
    decision = 'iterate';
    if (significantWin) reasons.push(`significant win, but runtime ${input.runtimeDays} days is below the ${minimumDays}-day minimum`);
    else reasons.push(`not significant at alpha ${alpha} (p = ${pValue.toPrecision(3)}) or lift below ${(minimumLift * 100).toFixed(2)}%: extend the test or refine the model`);
  }
  return {
    controlRate: p1,
    treatmentRate: p2,
    absoluteLift: p2 - p1,
    relativeLift: Number.isFinite(relativeLift) ? relativeLift : Number.MAX_VALUE,
    z,
    pValue,
    confidenceInterval: [p2 - p1 - half, p2 - p1 + half],
    guardrailRegressions,
    decision,
    reasons,
  };
}
