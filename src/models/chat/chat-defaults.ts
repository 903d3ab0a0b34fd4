/** Defaults every chat adapter shares (the answer stage's config re-exports them). */

/** Provider calls that take longer fail with a retryable ProviderError. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 60_000;
/** Answer length cap when a request gives none (Anthropic requires one): a few cited paragraphs. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 1024;
