import { z } from 'zod';
import { abTest } from '../phases/ab-test.js';
import { meanSampleSize, proportionSampleSize } from '../phases/ab-sample-size.js';
import { defineTool } from '../tool.js';

const probability = z.number().gt(0).lt(1);

/** A/B sample size by power analysis for two proportions or two means. */
export const abSampleSizeTool = defineTool({
  name: 'ab-sample-size',
  description: 'Per-group and total sample size. Proportions: absolute effect (0.02 = two percentage points), two-sided, unpooled normal approximation n = (z(1-alpha/2) + z(power))^2 (p1(1-p1) + p2(1-p2)) / effect^2. Means: give standardDeviation instead of baselineRate, n = 2 (z + z)^2 sd^2 / effect^2. Defaults alpha 0.05, power 0.8.',
  inputSchema: z.union([
    z.object({ baselineRate: probability, minDetectableEffect: z.number(), alpha: probability.default(0.05), power: probability.default(0.8) }),
    z.object({ standardDeviation: z.number().positive(), minDetectableEffect: z.number(), alpha: probability.default(0.05), power: probability.default(0.8) }),
  ]),
  outputSchema: z.object({ perGroup: z.number().int(), total: z.number().int(), method: z.enum(['two-proportions', 'two-means']) }),
  run(input) {
    if ('baselineRate' in input) return { ...proportionSampleSize(input.baselineRate, input.minDetectableEffect, input.alpha, input.power), method: 'two-proportions' as const };
    return { ...meanSampleSize(input.standardDeviation, input.minDetectableEffect, input.alpha, input.power), method: 'two-means' as const };
  },
});

const arm = z.object({ conversions: z.number().int().nonnegative(), visitors: z.number().int().positive() });

/** Two-proportion z-test with the methodology's ship / iterate / kill decision. */
export const abTestTool = defineTool({
  name: 'ab-test',
  description: 'Two-proportion z-test (pooled, as statsmodels proportions_ztest) with a Wald interval for the lift, and the methodology decision: ship if treatment > control by more than minimumRelativeLift with p < alpha and no guardrail regression after the minimum runtime (7 days); kill on a guardrail breach or no win after 2x the minimum runtime; else iterate.',
  inputSchema: z.object({
    control: arm,
    treatment: arm,
    alpha: probability.optional(),
    minimumRelativeLift: z.number().nonnegative().optional(),
    guardrails: z.array(z.object({ name: z.string(), control: z.number(), treatment: z.number(), higherIsBetter: z.boolean(), tolerance: z.number().nonnegative().optional() })).optional(),
    runtimeDays: z.number().nonnegative().optional(),
    minimumRuntimeDays: z.number().positive().optional(),
  }),
  outputSchema: z.object({
    controlRate: z.number(), treatmentRate: z.number(), absoluteLift: z.number(), relativeLift: z.number(), z: z.number(), pValue: z.number(),
    confidenceInterval: z.tuple([z.number(), z.number()]), guardrailRegressions: z.array(z.string()), decision: z.enum(['ship', 'iterate', 'kill']), reasons: z.array(z.string()),
  }),
  run: (input) => abTest(input),
});
