/** One served hit: which entry, and when (the LRU clock). */
export interface RecordedHit {
  tenant: string;
  id: string;
  at: Date;
}

/** Hits summed per entry, as written: the count to add and the latest hit time. */
export interface HitBatch {
  tenant: string;
  id: string;
  hits: number;
  lastHitAt: Date;
}

/**
 * How long served hits wait before they are written, in one statement for all of them. Hit counts
 * and last_hit_at only steer LRU eviction, which flushes first; a second keeps the write off the
 * hit path and, under load, turns many single-row updates into one.
 */
export const HIT_FLUSH_INTERVAL_MS = 1000;

/** Records hits off the hit path and writes them in batches. */
export interface HitRecorder {
  record(hit: RecordedHit): void;
  /** Writes every pending hit now (and waits for a write already running). */
  flush(): Promise<void>;
}

/**
 * Creates a recorder that sums hits per entry and hands them to `write` within `intervalMs`, or on
 * flush(). A failed write keeps its hits pending for the next flush and is reported to `onError`.
 * The timer does not keep the process alive: whoever owns the recorder flushes on close.
 */
export function createHitRecorder(write: (batch: HitBatch[]) => Promise<void>, options: { intervalMs?: number; onError?: (error: Error) => void } = {}): HitRecorder {
  const intervalMs = options.intervalMs ?? HIT_FLUSH_INTERVAL_MS;
  let pending = new Map<string, HitBatch>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const schedule = (): void => {
    if (timer) return;
    timer = setTimeout(() => void flush(), intervalMs);
    timer.unref();
  };
  const add = (hit: HitBatch): void => {
    const key = `${hit.tenant}\u0000${hit.id}`;
    const known = pending.get(key);
    if (!known) pending.set(key, { ...hit });
    else {
      known.hits += hit.hits;
      if (hit.lastHitAt > known.lastHitAt) known.lastHitAt = hit.lastHitAt;
    }
  };
  const writePending = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.size === 0) return;
    const batch = [...pending.values()];
    pending = new Map();
    try {
      await write(batch);
    } catch (error) {
      for (const hit of batch) add(hit);
      schedule();
      options.onError?.(error as Error);
    }
  };
  const flush = (): Promise<void> => {
    // Writes run one after another, so a hit is never counted twice or overtaken by an older time.
    writing = writing.then(writePending);
    return writing;
  };
  return {
    record(hit) {
      add({ tenant: hit.tenant, id: hit.id, hits: 1, lastHitAt: hit.at });
      schedule();
    },
    flush,
  };
}
