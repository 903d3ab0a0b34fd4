import { InputError } from '../errors.js';
import { contentTerms } from './answer-check.js';
import { TOOL_ROUTING_EXAMPLES, type ToolRoutingExample } from './tool-routing-examples.js';

/** Where a request should go. */
export interface RequestClassification {
  kind: 'documents' | 'tool' | 'out-of-scope';
  tool?: string;
  /** Probability of the chosen label under the classifier. */
  confidence: number;
}

/** A trained local classifier (no network, no model files). */
export interface RequestClassifier {
  readonly labels: readonly string[];
  classify(text: string): RequestClassification;
}

/** Training settings: few examples, so a strong L2 keeps the weights small and probabilities honest. */
export const REQUEST_CLASSIFIER_TRAINING = { epochs: 60, learningRate: 0.5, l2: 1e-3 } as const;

/** Unigrams and bigrams of stemmed content terms, plus a few shape features. */
function features(text: string): string[] {
  const terms = contentTerms(text);
  const out = terms.map((t) => `u:${t}`);
  for (let i = 0; i + 1 < terms.length; i++) out.push(`b:${terms[i]}_${terms[i + 1]}`);
  if (/\d/.test(text)) out.push('has-number');
  if (/%|percent/i.test(text)) out.push('has-percent');
  if (/\b(csv|dataset|table|rows?|columns?|data)\b/i.test(text)) out.push('mentions-data');
  out.push('bias');
  return out;
}

/**
 * Trains a softmax (multinomial logistic) regression over n-gram features on the labelled
 * examples, deterministically (fixed example order, zero init). `tools` limits the tool labels
 * to the tools that exist; examples of other tools are dropped.
 */
export function createRequestClassifier(options: { examples?: readonly ToolRoutingExample[]; tools?: readonly string[] } = {}): RequestClassifier {
  const all = options.examples ?? TOOL_ROUTING_EXAMPLES;
  const examples = all.filter((e) => !e.label.startsWith('tool:') || !options.tools || options.tools.includes(e.label.slice(5)));
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  if (labels.length < 2) throw new InputError('examples', `need at least two labels, got ${labels.join(', ') || 'none'}`);
  const vocabulary = new Map<string, number>();
  const rows = examples.map((e) => features(e.text).map((f) => vocabulary.get(f) ?? (vocabulary.set(f, vocabulary.size), vocabulary.size - 1)));
  const targets = examples.map((e) => labels.indexOf(e.label));
  const weights = labels.map(() => new Float64Array(vocabulary.size));
  const { epochs, learningRate, l2 } = REQUEST_CLASSIFIER_TRAINING;
  for (let epoch = 0; epoch < epochs; epoch++) {
    rows.forEach((row, i) => {
      const probabilities = softmax(weights.map((w) => row.reduce((s, f) => s + w[f], 0)));
      probabilities.forEach((p, k) => {
        const gradient = p - (k === targets[i] ? 1 : 0);
        for (const f of row) weights[k][f] -= learningRate * (gradient + l2 * weights[k][f]);
      });
    });
  }
  return {
    labels,
    classify(text) {
      const row = features(text)
        .map((f) => vocabulary.get(f))
        .filter((f) => f !== undefined);
      const probabilities = softmax(weights.map((w) => row.reduce((s, f) => s + w[f], 0)));
      let best = 0;
      for (let k = 1; k < labels.length; k++) if (probabilities[k] > probabilities[best]) best = k;
      const label = labels[best];
      if (label.startsWith('tool:')) return { kind: 'tool', tool: label.slice(5), confidence: probabilities[best] };
      return { kind: label as 'documents' | 'out-of-scope', confidence: probabilities[best] };
    },
  };
}

function softmax(scores: number[]): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** The classifier trained on the shipped examples, built once at import (an immutable value). */
const DEFAULT_CLASSIFIER = createRequestClassifier();

/**
 * Classifies a request as a question for the documents, a task for a classic-ML tool, or out of
 * scope, with the offline classifier trained on TOOL_ROUTING_EXAMPLES.
 * @example classifyRequest('Is the lift between variant A and B significant?') // { kind: 'tool', tool: 'ab-test', ... }
 */
export function classifyRequest(text: string, classifier: RequestClassifier = DEFAULT_CLASSIFIER): RequestClassification {
  return classifier.classify(text);
}
