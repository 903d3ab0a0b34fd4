/** The answer cache's spans: the lookup (with its outcome: exact, semantic or miss) and the write. */
import { withSpan } from './with-span.js';

/** What a lookup says (the cache's CacheLookup). */
interface LookupOutcome {
  hit: boolean;
  layer: 'exact' | 'semantic' | null;
  similarity: number | null;
  rejections?: unknown[];
}

/** Runs a cache lookup inside a `cache lookup` span that says what it found. */
export function traceCacheLookup<L extends LookupOutcome>(lookup: () => Promise<L>): Promise<L> {
  return withSpan('cache lookup', {}, async (span) => {
    const found = await lookup();
    if (span.isRecording()) {
      span.setAttribute('groundwork.cache.outcome', found.hit && found.layer ? found.layer : 'miss');
      if (found.similarity !== null) span.setAttribute('groundwork.cache.similarity', found.similarity);
      if (found.rejections?.length) span.setAttribute('groundwork.cache.rejected_candidates', found.rejections.length);
    }
    return found;
  });
}

/** Runs a cache write inside a `cache write` span (a failed write is marked on the span, and goes on to the caller). */
export function traceCacheWrite<T>(write: () => Promise<T>): Promise<T> {
  return withSpan('cache write', {}, write);
}
