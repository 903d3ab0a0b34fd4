import type { TokenCounter } from './token-counter.js';

/**
 * English text runs about four characters per token in OpenAI's o200k_base and cl100k_base
 * encodings (OpenAI's own rule of thumb, "one token is roughly 4 characters of English text").
 */
export const CHARS_PER_TOKEN_ESTIMATE = 4;

/**
 * A token counter that estimates (characters / 4, rounded up) instead of encoding. For prompts no
 * model reads: the offline extractive answerer packs its context with it, which spares a one-shot
 * `groundwork ask` loading tiktoken's ranks (~0.3 s and ~40 MB) for a budget that only bounds how
 * much text the answerer looks at. Never used where a provider bills or limits real tokens.
 * @example createEstimatingCounter().count('hello world!') // 3
 */
export function createEstimatingCounter(): TokenCounter {
  return { name: 'estimate:chars/4', count: (text) => Math.ceil(text.length / CHARS_PER_TOKEN_ESTIMATE) };
}
