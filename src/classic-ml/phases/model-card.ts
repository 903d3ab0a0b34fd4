import { z } from 'zod';
import type { SavedModel } from '../models/saved-model.js';

/** What a person adds to a model card that the model file cannot know (methodology Phase 9 template). */
export const modelCardDetailsSchema = z.object({
  modelName: z.string().min(1),
  version: z.string().default('0.1.0'),
  date: z.string().optional(),
  owner: z.string().default(''),
  description: z.string().default(''),
  intendedUse: z.string().default(''),
  outOfScopeUses: z.string().default(''),
  trainingData: z.object({ source: z.string().default(''), size: z.string().optional(), dateRange: z.string().default(''), knownBiases: z.string().default('') }).default({ source: '', dateRange: '', knownBiases: '' }),
  evaluation: z.object({
    metrics: z.record(z.string(), z.number()).default({}),
    datasets: z.array(z.string()).default([]),
    slicedMetrics: z.record(z.string(), z.record(z.string(), z.number())).default({}),
  }).default({ metrics: {}, datasets: [], slicedMetrics: {} }),
  limitations: z.array(z.string()).default([]),
  ethicalConsiderations: z.array(z.string()).default([]),
  maintenance: z.object({ retrainingSchedule: z.string().default(''), monitoring: z.string().default(''), contact: z.string().default('') }).default({ retrainingSchedule: '', monitoring: '', contact: '' }),
});
/** Model-card details given by a person. */
export type ModelCardDetails = z.infer<typeof modelCardDetailsSchema>;

function describeModel(model: SavedModel): { algorithm: string; hyperparameters: Record<string, unknown>; features: number; rows: number } {
  const features = model.type === 'logistic-regression' || model.type === 'linear-regression' ? model.coefficients.length : model.featureCount;
  const algorithm = model.type === 'gradient-boosting' ? `gradient-boosted trees (${model.task}, ${model.trees.length} trees)` : model.type;
  return { algorithm, hyperparameters: { ...model.options }, features, rows: model.training.rows };
}

/**
 * Builds the methodology's model card from a trained model and its evaluation, as an object and as
 * Markdown, and lists the template fields still empty.
 */
export function buildModelCard(model: SavedModel, details: ModelCardDetails, today = new Date().toISOString().slice(0, 10)) {
  const info = describeModel(model);
  const card = {
    modelName: details.modelName,
    version: details.version,
    date: details.date ?? today,
    owner: details.owner,
    description: details.description || `${info.algorithm} over ${info.features} features`,
    intendedUse: details.intendedUse,
    outOfScopeUses: details.outOfScopeUses,
    algorithm: info.algorithm,
    hyperparameters: info.hyperparameters,
    features: model.featureNames ?? Array.from({ length: info.features }, (_, i) => `x${i}`),
    trainingData: { ...details.trainingData, size: details.trainingData.size ?? `${info.rows} rows` },
    evaluation: details.evaluation,
    limitations: details.limitations,
    ethicalConsiderations: details.ethicalConsiderations,
    maintenance: details.maintenance,
  };
  const missing: string[] = [];
  const check = (path: string, value: unknown) => {
    if (value === '' || (Array.isArray(value) && value.length === 0) || (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0)) missing.push(path);
  };
  for (const key of ['owner', 'intendedUse', 'outOfScopeUses', 'limitations', 'ethicalConsiderations'] as const) check(key, card[key]);
  for (const key of ['source', 'dateRange', 'knownBiases'] as const) check(`trainingData.${key}`, card.trainingData[key]);
  check('evaluation.metrics', card.evaluation.metrics);
  check('evaluation.datasets', card.evaluation.datasets);
  check('evaluation.slicedMetrics', card.evaluation.slicedMetrics);
  for (const key of ['retrainingSchedule', 'monitoring', 'contact'] as const) check(`maintenance.${key}`, card.maintenance[key]);
  const list = (items: string[]) => (items.length ? items.map((i) => `- ${i}`).join('\n') : '- (not given)');
  const markdown = [
    `# Model card: ${card.modelName} ${card.version}`,
    `Date: ${card.date}. Owner: ${card.owner || '(not given)'}.`,
    '', `## Description`, card.description,
    '', `## Intended use`, card.intendedUse || '(not given)', '', `Out of scope: ${card.outOfScopeUses || '(not given)'}`,
    '', `## Model`, `Algorithm: ${card.algorithm}. Features (${card.features.length}): ${card.features.join(', ')}.`, `Hyperparameters: ${JSON.stringify(card.hyperparameters)}`,
    '', `## Training data`, `Source: ${card.trainingData.source || '(not given)'}. Size: ${card.trainingData.size}. Date range: ${card.trainingData.dateRange || '(not given)'}.`, `Known biases: ${card.trainingData.knownBiases || '(not given)'}`,
    '', `## Evaluation`, ...Object.entries(card.evaluation.metrics).map(([k, v]) => `- ${k}: ${v}`),
    ...Object.entries(card.evaluation.slicedMetrics).map(([slice, m]) => `- ${slice}: ${Object.entries(m).map(([k, v]) => `${k} ${v}`).join(', ')}`),
    `Datasets: ${card.evaluation.datasets.join(', ') || '(not given)'}`,
    '', `## Limitations`, list(card.limitations), '', `## Ethical considerations`, list(card.ethicalConsiderations),
    '', `## Maintenance`, `Retraining: ${card.maintenance.retrainingSchedule || '(not given)'}. Monitoring: ${card.maintenance.monitoring || '(not given)'}. Contact: ${card.maintenance.contact || '(not given)'}.`,
  ].join('\n');
  return { card, markdown, missing };
}
