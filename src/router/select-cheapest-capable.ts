import type { ModelInfo } from './price-table.js';
import type { PredictorFeatures, SuccessPredictor } from './success-predictor.js';

/** One candidate as the cheapest-capable policy saw it. */
export interface CandidateScore {
  model: string;
  expectedCostUsd: number;
  probability: number;
  source: string;
}

/**
 * Picks the cheapest model whose predicted success clears `target`; when none does, the one
 * with the highest predicted success (ties: the cheaper). Costs are for the request's token
 * estimate at full input price.
 */
export function selectCheapestCapable(
  models: readonly ModelInfo[],
  features: PredictorFeatures,
  predictor: SuccessPredictor,
  target: number,
  tokens: { input: number; output: number },
): { chosen: ModelInfo; cleared: boolean; candidates: CandidateScore[] } {
  const scored = models.map((info) => {
    const prediction = predictor.predict(features, info);
    const expectedCostUsd = (tokens.input * info.inputPerMillion + tokens.output * info.outputPerMillion) / 1_000_000 + info.perCallUsd;
    return { info, score: { model: info.id, expectedCostUsd, probability: prediction.probability, source: prediction.source } };
  });
  scored.sort((a, b) => a.score.expectedCostUsd - b.score.expectedCostUsd);
  const capable = scored.find((s) => s.score.probability >= target);
  if (capable) return { chosen: capable.info, cleared: true, candidates: scored.map((s) => s.score) };
  let best = scored[0];
  for (const s of scored) if (s.score.probability > best.score.probability) best = s;
  return { chosen: best.info, cleared: false, candidates: scored.map((s) => s.score) };
}
