/**
 * @deprecated Moved to src/models/chat/anthropic-cache-minimums.ts; import it from
 * `groundwork/models`. This path re-exports it for one minor version.
 */
export { ANTHROPIC_MIN_CACHEABLE_TOKENS, DEFAULT_MIN_CACHEABLE_TOKENS, minCacheableTokens } from '../models/chat/anthropic-cache-minimums.js';
