/**
 * Minimum cacheable prompt length per Claude model, in tokens: a `cache_control` breakpoint on a
 * shorter prefix is ignored by the API (and would only clutter the request). From Anthropic's
 * prompt-caching documentation ("Cache limitations"); first matching pattern wins.
 */
export const ANTHROPIC_MIN_CACHEABLE_TOKENS: ReadonlyArray<readonly [pattern: RegExp, tokens: number]> = [
  [/opus-4-[56]/, 4096],
  [/haiku-4-5/, 4096],
  [/sonnet-4-6/, 2048],
  [/haiku/, 2048], // Claude Haiku 3.5 and Haiku 3
  [/opus|sonnet/, 1024], // Opus 4.1, Opus 4, Opus 3, Sonnet 4.5, Sonnet 4, Sonnet 3.7, Sonnet 3.5
];
/** For a model the table does not know: the smallest documented minimum, so caching is not skipped. */
export const DEFAULT_MIN_CACHEABLE_TOKENS = 1024;

/** The minimum cacheable prefix length of a Claude model, in tokens. */
export function minCacheableTokens(model: string): number {
  const found = ANTHROPIC_MIN_CACHEABLE_TOKENS.find(([pattern]) => pattern.test(model));
  return found ? found[1] : DEFAULT_MIN_CACHEABLE_TOKENS;
}
