/** Something the cache did, for metrics. */
export type CacheEvent =
  | { type: 'hit'; layer: 'exact' | 'semantic'; similarity: number }
  | { type: 'miss' }
  | { type: 'rejection'; guard: string; code: string }
  | { type: 'stale'; count: number }
  | { type: 'expired'; count: number }
  | { type: 'eviction'; count: number }
  | { type: 'store' }
  | { type: 'single-flight'; outcome: 'joined' | 'waited' | 'timeout' }
  | { type: 'error'; operation: string; message: string };

/** Counter snapshot for /metrics. */
export interface CacheStatsSnapshot {
  hits: { exact: number; semantic: number };
  misses: number;
  /** Rejected semantic candidates by guard reason code (`negation.polarity`, `reranker.score` ...). */
  rejections: Record<string, number>;
  staleEntriesDropped: number;
  expiredEntriesDropped: number;
  evictions: number;
  stores: number;
  singleFlight: { joined: number; waited: number; timeout: number };
  errors: number;
}

/** Counters plus subscribers; one per cache instance (no module-level state). */
export interface CacheStats {
  record(event: CacheEvent): void;
  snapshot(): CacheStatsSnapshot;
  /** Subscribes to events (e.g. to feed prom-client counters); returns an unsubscribe function. */
  onEvent(listener: (event: CacheEvent) => void): () => void;
}

/** Creates zeroed counters. */
export function createCacheStats(): CacheStats {
  const counts: CacheStatsSnapshot = {
    hits: { exact: 0, semantic: 0 },
    misses: 0,
    rejections: {},
    staleEntriesDropped: 0,
    expiredEntriesDropped: 0,
    evictions: 0,
    stores: 0,
    singleFlight: { joined: 0, waited: 0, timeout: 0 },
    errors: 0,
  };
  const listeners = new Set<(event: CacheEvent) => void>();
  return {
    record(event) {
      switch (event.type) {
        case 'hit': counts.hits[event.layer] += 1; break;
        case 'miss': counts.misses += 1; break;
        case 'rejection': counts.rejections[event.code] = (counts.rejections[event.code] ?? 0) + 1; break;
        case 'stale': counts.staleEntriesDropped += event.count; break;
        case 'expired': counts.expiredEntriesDropped += event.count; break;
        case 'eviction': counts.evictions += event.count; break;
        case 'store': counts.stores += 1; break;
        case 'single-flight': counts.singleFlight[event.outcome] += 1; break;
        case 'error': counts.errors += 1; break;
      }
      for (const listener of listeners) listener(event);
    },
    snapshot: () => structuredClone(counts),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
