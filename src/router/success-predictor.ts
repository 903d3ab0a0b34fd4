import type { ModelInfo, ModelTier } from './price-table.js';
import type { RoutingFeatures } from './routing-features.js';

/** Features as the predictors read them: the standard routing features and any extra numbers. */
export type PredictorFeatures = Partial<RoutingFeatures> & Record<string, number>;

/** A predicted probability that `model` answers this request well, with how it was reached. */
export interface SuccessPrediction {
  probability: number;
  /** Which predictor produced it (e.g. `rules`, `logistic:openai:gpt-4o-mini`). */
  source: string;
  /** Human-readable steps (rules fired, or the trained model used). */
  explanation: string[];
}

/** Predicts P(success | request features, model). */
export interface SuccessPredictor {
  readonly name: string;
  predict(features: PredictorFeatures, model: ModelInfo): SuccessPrediction;
}

/**
 * Rule-based default, hand-set priors until a predictor is trained from eval results (these are
 * not fitted numbers; they encode the usual finding that small models lose most on long,
 * multi-part, aggregating or poorly-retrieved questions, e.g. RouteLLM, arXiv:2406.18665):
 * - start from the tier base: small 0.80, medium 0.87, large 0.93;
 * - retrieval confidence < 0.3: small -0.15, medium -0.10, large -0.05;
 * - query longer than 30 words: small -0.10, medium -0.05, large -0.02;
 * - top-score gap < 0.05 (ambiguous ranking): small -0.05, medium -0.03, large 0;
 * - per question part beyond the first: small -0.08, medium -0.05, large -0.02;
 * - aggregation (compare, list all, totals): small -0.12, medium -0.06, large -0.02;
 * - clamp to [0.01, 0.99].
 */
export const RULE_BASED_PRIORS = {
  base: { small: 0.8, medium: 0.87, large: 0.93 },
  lowConfidence: { threshold: 0.3, penalty: { small: 0.15, medium: 0.1, large: 0.05 } },
  longQuery: { threshold: 30, penalty: { small: 0.1, medium: 0.05, large: 0.02 } },
  ambiguousRanking: { threshold: 0.05, penalty: { small: 0.05, medium: 0.03, large: 0 } },
  extraPart: { penalty: { small: 0.08, medium: 0.05, large: 0.02 } },
  aggregation: { penalty: { small: 0.12, medium: 0.06, large: 0.02 } },
} as const satisfies Record<string, unknown>;

const clamp = (value: number) => Math.min(0.99, Math.max(0.01, value));

/** The transparent rule-based predictor (see RULE_BASED_PRIORS for the rules). */
export function createRuleBasedPredictor(priors: typeof RULE_BASED_PRIORS = RULE_BASED_PRIORS): SuccessPredictor {
  return {
    name: 'rules',
    predict(features, model) {
      const tier: ModelTier = model.tier;
      let p: number = priors.base[tier];
      const explanation = [`tier ${tier}: base ${p}`];
      const apply = (fired: boolean, penalty: number, why: string) => {
        if (!fired || penalty === 0) return;
        p -= penalty;
        explanation.push(`${why}: -${penalty}`);
      };
      const confidence = features.retrievalConfidence;
      if (confidence !== undefined) apply(confidence < priors.lowConfidence.threshold, priors.lowConfidence.penalty[tier], `retrieval confidence ${confidence.toFixed(2)} < ${priors.lowConfidence.threshold}`);
      const words = features.queryWords;
      if (words !== undefined) apply(words > priors.longQuery.threshold, priors.longQuery.penalty[tier], `query ${words} words > ${priors.longQuery.threshold}`);
      const gap = features.topScoreGap;
      if (gap !== undefined) apply(gap < priors.ambiguousRanking.threshold, priors.ambiguousRanking.penalty[tier], `top-score gap ${gap.toFixed(3)} < ${priors.ambiguousRanking.threshold}`);
      const extra = Math.max(0, (features.questionParts ?? 1) - 1);
      apply(extra > 0, extra * priors.extraPart.penalty[tier], `${extra} extra question part(s)`);
      apply((features.aggregation ?? 0) > 0, priors.aggregation.penalty[tier], 'aggregating question');
      return { probability: clamp(p), source: 'rules', explanation };
    },
  };
}
