import { z } from 'zod';
import { bootstrapInterval } from '../metrics/bootstrap-interval.js';
import { confusionMatrix, thresholdMetrics } from '../metrics/confusion-matrix.js';
import { brierScore, calibration, logLoss } from '../metrics/probability-scores.js';
import { averagePrecision, rocAuc } from '../metrics/ranking-scores.js';
import { regressionScores } from '../metrics/regression-scores.js';
import { defineTool } from '../tool.js';
import { MAX_BOOTSTRAP_WORK, MAX_LABELS, requireAtMost, withLimits } from '../tool-limits.js';

const bootstrapSchema = z.object({
  iterations: z.number().int().min(10).max(100_000).default(1000),
  confidence: z.number().gt(0).lt(1).default(0.95),
  seed: z.number().int().default(1),
});
const intervalSchema = z.object({ lower: z.number(), upper: z.number() });

/** Caps of the metric tools: labels, and bootstrap iterations × labels. */
function checkMetricInput(field: string, labels: number, bootstrap: { iterations?: number } | undefined): void {
  requireAtMost(field, labels, MAX_LABELS, 'labels');
  if (!bootstrap) return;
  const iterations = bootstrap.iterations ?? 1000;
  requireAtMost('bootstrap.iterations', iterations * labels, MAX_BOOTSTRAP_WORK, 'resampled labels', `${iterations} iterations x ${labels} labels`);
}
const metricLimits = { MAX_LABELS, MAX_BOOTSTRAP_WORK };
const metricLimitsText = `Limits per run: ${MAX_LABELS} labels, ${MAX_BOOTSTRAP_WORK} bootstrap iterations x labels.`;

const classificationInput = z.object({
  yTrue: z.array(z.union([z.literal(0), z.literal(1)])).min(1),
  yScore: z.array(z.number()).min(1),
  threshold: z.number().default(0.5),
  bins: z.number().int().min(1).max(100).default(10),
  bootstrap: bootstrapSchema.optional(),
});
const classificationOutput = z.object({
  accuracy: z.number(), precision: z.number(), recall: z.number(), f1: z.number(),
  rocAuc: z.number(), prAuc: z.number(), logLoss: z.number(), brier: z.number(), ece: z.number(),
  confusion: z.object({ tp: z.number().int(), fp: z.number().int(), tn: z.number().int(), fn: z.number().int() }),
  reliability: z.array(z.object({ lower: z.number(), upper: z.number(), count: z.number().int(), meanPredicted: z.number().nullable(), observedRate: z.number().nullable() })),
  intervals: z.record(z.string(), intervalSchema).optional(),
});

/** Binary classification metrics of probabilities: threshold metrics, ROC-AUC, PR-AUC (average precision), log loss, Brier, calibration. */
export const classificationMetricsTool = withLimits(defineTool({
  name: 'classification-metrics',
  description: `Binary classification metrics from 0/1 labels and probabilities: accuracy, precision, recall, F1 (score >= threshold is positive), ROC-AUC, PR-AUC as average precision (scikit-learn), log loss, Brier, reliability bins and ECE; optional bootstrap intervals. ${metricLimitsText}`,
  inputSchema: classificationInput,
  outputSchema: classificationOutput,
  run(input) {
    const { yTrue, yScore, threshold } = input;
    const confusion = confusionMatrix(yTrue, yScore, threshold);
    const calibrated = calibration(yTrue, yScore, input.bins);
    const out: z.infer<typeof classificationOutput> = {
      ...thresholdMetrics(confusion),
      rocAuc: rocAuc(yTrue, yScore),
      prAuc: averagePrecision(yTrue, yScore),
      logLoss: logLoss(yTrue, yScore),
      brier: brierScore(yTrue, yScore),
      ece: calibrated.ece,
      confusion,
      reliability: calibrated.bins,
    };
    if (input.bootstrap) {
      const pick = (idx: number[]) => ({ t: idx.map((i) => yTrue[i]), s: idx.map((i) => yScore[i]) });
      const statistics: Record<string, (idx: number[]) => number> = {
        rocAuc: (idx) => { const { t, s } = pick(idx); return rocAuc(t, s); },
        prAuc: (idx) => { const { t, s } = pick(idx); return averagePrecision(t, s); },
        f1: (idx) => { const { t, s } = pick(idx); return thresholdMetrics(confusionMatrix(t, s, threshold)).f1; },
      };
      out.intervals = Object.fromEntries(Object.entries(statistics).map(([name, f]) => {
        const { lower, upper } = bootstrapInterval(yTrue.length, f, input.bootstrap);
        return [name, { lower, upper }];
      }));
    }
    return out;
  },
}), metricLimits, (input) => checkMetricInput('yTrue', Math.max(input.yTrue.length, input.yScore.length), input.bootstrap));

const regressionOutput = z.object({ mae: z.number(), rmse: z.number(), r2: z.number(), intervals: z.record(z.string(), intervalSchema).optional() });

/** Regression metrics: MAE (the methodology's primary), RMSE and R². */
export const regressionMetricsTool = withLimits(defineTool({
  name: 'regression-metrics',
  description: `Regression metrics: MAE, RMSE and R² (R² is 1 for a perfect fit of a constant target, else 0 there, as scikit-learn); optional bootstrap intervals. ${metricLimitsText}`,
  inputSchema: z.object({ yTrue: z.array(z.number()).min(1), yPred: z.array(z.number()).min(1), bootstrap: bootstrapSchema.optional() }),
  outputSchema: regressionOutput,
  run(input) {
    const out: z.infer<typeof regressionOutput> = regressionScores(input.yTrue, input.yPred);
    if (input.bootstrap) {
      const scores = (idx: number[]) => regressionScores(idx.map((i) => input.yTrue[i]), idx.map((i) => input.yPred[i]));
      out.intervals = Object.fromEntries((['mae', 'rmse'] as const).map((name) => {
        const { lower, upper } = bootstrapInterval(input.yTrue.length, (idx) => scores(idx)[name], input.bootstrap);
        return [name, { lower, upper }];
      }));
    }
    return out;
  },
}), metricLimits, (input) => checkMetricInput('yTrue', Math.max(input.yTrue.length, input.yPred.length), input.bootstrap));
