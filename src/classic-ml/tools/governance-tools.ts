import { z } from 'zod';
import { buildModelCard, modelCardDetailsSchema } from '../phases/model-card.js';
import { decideMlVsRules, mlVsRulesSignalsSchema, problemBriefSchema, reviewBrief } from '../phases/problem-brief.js';
import { rubricScoresSchema, scoreRubric } from '../phases/quality-rubric.js';
import { savedModelSchema } from '../models/saved-model.js';
import { defineTool } from '../tool.js';

/** Validates a problem brief and runs the ML-vs-rules decision. */
export const problemBriefTool = defineTool({
  name: 'problem-brief',
  description: 'Validate an ML problem brief (objective, success metric, baseline, task type, consumer, latency, data, gaps, ethics, kill criteria) and review what it lacks; with signals, decide ML vs rules from the methodology table.',
  inputSchema: z.object({ brief: z.unknown().optional(), signals: mlVsRulesSignalsSchema.optional() }),
  outputSchema: z.object({
    valid: z.boolean().nullable(),
    brief: problemBriefSchema.optional(),
    issues: z.array(z.string()),
    notes: z.array(z.string()),
    decision: z.object({ decision: z.enum(['rules', 'ml']), rulesVotes: z.array(z.string()), mlVotes: z.array(z.string()), reason: z.string() }).optional(),
  }),
  run(input) {
    const decision = input.signals ? decideMlVsRules(input.signals) : undefined;
    if (input.brief === undefined) return { valid: null, issues: [], notes: [], ...(decision ? { decision } : {}) };
    const parsed = problemBriefSchema.safeParse(input.brief);
    if (!parsed.success) {
      return { valid: false, issues: parsed.error.issues.map((i) => `${i.path.join('.') || 'brief'}: ${i.message}`), notes: [], ...(decision ? { decision } : {}) };
    }
    return { valid: true, brief: parsed.data, issues: [], notes: reviewBrief(parsed.data), ...(decision ? { decision } : {}) };
  },
});

/** Scores an ML system on the methodology's weighted 8-dimension rubric. */
export const rubricTool = defineTool({
  name: 'rubric',
  description: 'ML system quality rubric: 0-5 per dimension (problemFraming 15%, dataQuality 15%, experimentRigor 15%, modelPerformance 15%, deployment 10%, monitoring 15%, documentation 5%, costEfficiency 10%) to a 0-100 total with the verdict band (80+ production-grade, 60-79 good foundations, 40-59 prototype, <40 science project).',
  inputSchema: z.object({ scores: rubricScoresSchema }),
  outputSchema: z.object({ total: z.number().min(0).max(100), band: z.string(), description: z.string(), points: z.record(z.string(), z.number()) }),
  run: (input) => scoreRubric(input.scores),
});

/** Builds a model card from a trained model and its evaluation. */
export const modelCardTool = defineTool({
  name: 'model-card',
  description: 'Model card (methodology Phase 9 template) from a model produced by train plus details and evaluation metrics; returns the card, its Markdown and the fields still empty.',
  inputSchema: z.object({ model: savedModelSchema, details: modelCardDetailsSchema, date: z.string().optional() }),
  outputSchema: z.object({ card: z.record(z.string(), z.unknown()), markdown: z.string(), missing: z.array(z.string()) }),
  run: (input) => buildModelCard(input.model, input.date ? { ...input.details, date: input.date } : input.details),
});
