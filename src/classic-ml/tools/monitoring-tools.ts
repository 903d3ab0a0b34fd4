import { z } from 'zod';
import { driftReport } from '../drift/drift-report.js';
import { fairnessReport } from '../phases/fairness-report.js';
import { defineTool } from '../tool.js';
import { MAX_DRIFT_VALUES, MAX_LABELS, requireAtMost, withLimits } from '../tool-limits.js';

const sample = z.array(z.union([z.number(), z.string(), z.boolean()])).min(1);

/** Drift between a reference and a current sample with the methodology's playbook verdict. */
export const driftTool = withLimits(defineTool({
  name: 'drift',
  description: `Distribution drift: PSI (10 bins at the reference deciles by default, empty bins floored at 1e-4; > 0.1 warning, > 0.25 critical), two-sample Kolmogorov-Smirnov with p-value, Jensen-Shannon divergence (base 2; > 0.1 warning), chi-square for categories (p < alpha warning). Limits per run: ${MAX_DRIFT_VALUES} values per sample.`,
  inputSchema: z.object({
    reference: sample,
    current: sample,
    method: z.enum(['psi', 'ks', 'js', 'chi2']),
    bins: z.number().int().min(2).max(1000).optional(),
    alpha: z.number().gt(0).lt(1).optional(),
  }),
  outputSchema: z.object({ method: z.enum(['psi', 'ks', 'js', 'chi2']), statistic: z.number(), pValue: z.number().optional(), verdict: z.enum(['none', 'warning', 'critical']) }),
  run: (input) => driftReport(input.reference, input.current, input.method, { bins: input.bins, alpha: input.alpha }),
}), { MAX_DRIFT_VALUES }, (input) => {
  requireAtMost('reference', input.reference.length, MAX_DRIFT_VALUES, 'values');
  requireAtMost('current', input.current.length, MAX_DRIFT_VALUES, 'values');
});

const nullableRate = z.number().nullable();

/** Fairness across protected groups: per-group rates, equal opportunity, disparate impact and calibration. */
export const fairnessTool = withLimits(defineTool({
  name: 'fairness',
  description: `Per-group selection rate, TPR, FPR, precision and calibration gap; equal-opportunity difference (max - min TPR); disparate-impact ratio (min / max selection rate) against the 80% rule. Limits per run: ${MAX_LABELS} labels.`,
  inputSchema: z.object({
    yTrue: z.array(z.union([z.literal(0), z.literal(1)])).min(1),
    yScore: z.array(z.number()).min(1),
    groups: z.array(z.union([z.string(), z.number()])).min(1),
    threshold: z.number().default(0.5),
  }),
  outputSchema: z.object({
    groups: z.array(z.object({
      group: z.string(), count: z.number().int(), positives: z.number().int(), selectionRate: z.number(),
      truePositiveRate: nullableRate, falsePositiveRate: nullableRate, precision: nullableRate, meanScore: nullableRate, calibrationGap: nullableRate,
    })),
    equalOpportunityDifference: nullableRate,
    disparateImpactRatio: nullableRate,
    passesFourFifthsRule: z.boolean().nullable(),
    privilegedGroup: z.string(),
  }),
  run: (input) => fairnessReport(input.yTrue, input.yScore, input.groups, input.threshold),
}), { MAX_LABELS }, (input) => {
  const labels = Math.max(input.yTrue.length, input.yScore.length, input.groups.length);
  requireAtMost('yTrue', labels, MAX_LABELS, 'labels');
});
