import { z } from 'zod';

/** Methodology Phase 1: task types an ML problem brief may name. */
export const ML_TASK_TYPES = ['classification', 'regression', 'ranking', 'generation', 'clustering', 'anomaly_detection', 'recommendation'] as const;
/** Methodology default kill criteria. */
export const DEFAULT_KILL_CRITERIA = [
  'Baseline heuristic achieves >90% of ML performance',
  'Data quality too poor after 2 weeks of cleaning',
  "Model can't beat random by >10% on holdout set",
];
/** Methodology ML-vs-rules table: more than 1,000 labelled examples favours ML. */
export const ML_MIN_LABELED_EXAMPLES = 1000;

/** The methodology's ML problem brief. */
export const problemBriefSchema = z.object({
  businessObjective: z.string().min(1),
  successMetric: z.string().min(1),
  baseline: z.string().min(1),
  mlTaskType: z.enum(ML_TASK_TYPES),
  predictionTarget: z.string().min(1),
  predictionConsumer: z.enum(['API', 'dashboard', 'email', 'automated action']),
  latencyRequirement: z.enum(['real-time', 'near-real-time', 'batch']),
  dataAvailable: z.string().min(1),
  dataGaps: z.string().default(''),
  ethicalConsiderations: z.string().default(''),
  killCriteria: z.array(z.string().min(1)).default(DEFAULT_KILL_CRITERIA),
});
/** A parsed problem brief. */
export type ProblemBrief = z.infer<typeof problemBriefSchema>;

/** Signals of the methodology's ML-vs-rules table. */
export const mlVsRulesSignalsSchema = z.object({
  explainableInUnder10Rules: z.boolean(),
  patternTooComplexForHumans: z.boolean(),
  labeledExamples: z.number().int().nonnegative(),
  needsToAdaptToNewPatterns: z.boolean(),
  mustBeFullyAuditable: z.boolean(),
  patternChangesFasterThanRules: z.boolean(),
});
/** Signals of the ML-vs-rules decision. */
export type MlVsRulesSignals = z.infer<typeof mlVsRulesSignalsSchema>;

/**
 * The methodology's ML-vs-rules table as votes. A must-be-deterministic requirement decides for
 * rules; otherwise ML needs more votes than rules ("start with rules; add ML only when rules fail").
 */
export function decideMlVsRules(s: MlVsRulesSignals): { decision: 'rules' | 'ml'; rulesVotes: string[]; mlVotes: string[]; reason: string } {
  const rulesVotes: string[] = [];
  const mlVotes: string[] = [];
  if (s.explainableInUnder10Rules) rulesVotes.push('logic is explainable in <10 rules');
  if (s.mustBeFullyAuditable) rulesVotes.push('must be 100% auditable/deterministic');
  if (s.patternTooComplexForHumans) mlVotes.push('pattern is too complex for humans');
  if (s.labeledExamples > ML_MIN_LABELED_EXAMPLES) mlVotes.push(`training data has >${ML_MIN_LABELED_EXAMPLES} labeled examples`);
  if (s.needsToAdaptToNewPatterns) mlVotes.push('needs to adapt to new patterns');
  if (s.patternChangesFasterThanRules) mlVotes.push('pattern changes faster than rules can be updated');
  if (s.mustBeFullyAuditable) return { decision: 'rules', rulesVotes, mlVotes, reason: 'a fully auditable, deterministic system rules out ML' };
  if (mlVotes.length > rulesVotes.length) return { decision: 'ml', rulesVotes, mlVotes, reason: `${mlVotes.length} signals favour ML against ${rulesVotes.length} for rules` };
  return { decision: 'rules', rulesVotes, mlVotes, reason: 'rule of thumb: start with rules/heuristics; ML has not outvoted them' };
}

/** Review notes on a parsed brief: what the methodology expects that the brief lacks. */
export function reviewBrief(brief: ProblemBrief): string[] {
  const notes: string[] = [];
  if (!/\d/.test(brief.successMetric)) notes.push('successMetric has no number: quantify the target (e.g. "reduce churn 15%")');
  if (!/\d/.test(brief.baseline)) notes.push('baseline has no measured figure: record current performance without ML');
  if (brief.killCriteria.length === 0) notes.push('killCriteria is empty: say when to abandon the ML approach');
  if (brief.ethicalConsiderations.trim() === '') notes.push('ethicalConsiderations is empty: name bias risks, fairness requirements and privacy');
  if (brief.dataGaps.trim() === '') notes.push('dataGaps is empty: list what data is missing');
  return notes;
}
