/** Outcome of one take: allowed, or refused with how long until a token is back. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** A per-key limiter. */
export interface RateLimiter {
  take(key: string): RateDecision;
}

/** Buckets kept at most; full buckets are dropped first when the map grows past it (bounded memory). */
const MAX_TRACKED_KEYS = 10_000;
const MS_PER_MINUTE = 60_000;

/**
 * Token bucket per key, in this process's memory: capacity `perMinute` (a minute's burst),
 * refilled continuously at perMinute per minute. Several server processes each keep their own
 * buckets, so the effective limit is per process; a shared store (Redis, PostgreSQL) would be
 * needed for a global one.
 */
export function createTokenBucketLimiter(perMinute: number, now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / MS_PER_MINUTE;
  const refill = (bucket: { tokens: number; at: number }, t: number): void => {
    bucket.tokens = Math.min(perMinute, bucket.tokens + (t - bucket.at) * perMs);
    bucket.at = t;
  };
  const prune = (t: number): void => {
    for (const [key, bucket] of buckets) {
      refill(bucket, t);
      if (bucket.tokens >= perMinute) buckets.delete(key);
    }
  };
  return {
    take(key) {
      if (perMinute <= 0) return { allowed: true };
      const t = now();
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= MAX_TRACKED_KEYS) prune(t);
        bucket = { tokens: perMinute, at: t };
        buckets.set(key, bucket);
      }
      refill(bucket, t);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs) };
    },
  };
}
