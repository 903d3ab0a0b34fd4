import type { Usage } from '../models/types.js';
import type { ModelInfo } from './price-table.js';

const TOKENS_PER_MILLION = 1_000_000;

/** Dollars for one call's reported usage: uncached input, cached input and output at their prices. */
export function costOfUsage(model: ModelInfo, usage: Usage): number {
  const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
  const uncached = usage.inputTokens - cached;
  return (
    (uncached * model.inputPerMillion + cached * model.cachedInputPerMillion + usage.outputTokens * model.outputPerMillion) / TOKENS_PER_MILLION +
    model.perCallUsd
  );
}

/**
 * Worst-case dollars for a call before it runs: input estimate x safety margin at the full
 * (uncached) input price plus every allowed output token at the output price.
 */
export function worstCaseCost(model: ModelInfo, inputTokensEstimate: number, maxTokens: number, safetyMargin: number): number {
  const input = Math.ceil(inputTokensEstimate * safetyMargin);
  return (input * model.inputPerMillion + maxTokens * model.outputPerMillion) / TOKENS_PER_MILLION + model.perCallUsd;
}

/**
 * Rough token count when no tokenizer is at hand: about 4 characters per token for English
 * (OpenAI's rule of thumb, https://help.openai.com/en/articles/4936856); the safety margin covers the error.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
