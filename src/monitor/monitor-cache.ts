/**
 * The report's cache of settled hours: a window's stats and drift sample are sums and unions of
 * its hours', and an hour that ended a while ago no longer changes, so each such hour is read
 * once and kept; only the partial hours at a window's edges are read each time. A 7-day reference
 * window that slides with the clock (kind `previous`) then costs two partial hours a report, not
 * a week of rollups and a week-wide sample.
 */

const HOUR_MS = 3_600_000;
/**
 * An hour is settled (cacheable) once it ended this long ago: telemetry rows are written within
 * flushIntervalMs (default 1 s, at most 10 minutes by the schema) of their request, so a row
 * arriving later than 5 minutes is a writer stalled past its buffer, whose rows are dropped anyway.
 * With flushIntervalMs above 5 minutes, late rows of the hour just cached are missing from it.
 */
export const SETTLE_MS = 5 * 60_000;
/**
 * Weight kept (LRU): an hour's stats weigh 1, an hour's sample 1 + its rows. A scope's windows
 * hold about 1.5 × sampleSize sampled rows (each window's rate is set for that), ~7,500 by
 * default, at a few hundred bytes a row: 200,000 keeps ~25 busy scopes in ~100 MB at most.
 */
export const MONITOR_CACHE_WEIGHT = 200_000;

/** A window cut at settled hour boundaries: the partial edges are read live, the hours from the cache. */
export interface HourSplit {
  /** Start of each whole settled hour inside the window, in order. */
  hours: Date[];
  /** The parts of the window outside those hours (0, 1 or 2 ranges). */
  edges: Array<{ from: Date; to: Date }>;
}

/** Splits [from, to) into whole hours that ended SETTLE_MS before `now` and the rest. */
export function splitSettledHours(from: Date, to: Date, now: Date): HourSplit {
  const first = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS;
  const end = Math.min(Math.floor(to.getTime() / HOUR_MS) * HOUR_MS, Math.floor((now.getTime() - SETTLE_MS) / HOUR_MS) * HOUR_MS);
  if (end <= first) return { hours: [], edges: from < to ? [{ from, to }] : [] };
  const hours: Date[] = [];
  for (let hour = first; hour < end; hour += HOUR_MS) hours.push(new Date(hour));
  const edges: Array<{ from: Date; to: Date }> = [];
  if (from.getTime() < first) edges.push({ from, to: new Date(first) });
  if (end < to.getTime()) edges.push({ from: new Date(end), to });
  return { hours, edges };
}

/** The hour index (hours since the epoch) of a time. */
export const hourIndex = (time: Date): number => Math.floor(time.getTime() / HOUR_MS);

/** Settled hours' stats and samples, kept across reports (one per app: the monitor routes own it). */
export interface MonitorCache {
  get<T>(key: string): T | undefined;
  /** Keeps `value`; `weight` (default 1) counts towards the cache's limit. */
  set<T>(key: string, value: T, weight?: number): void;
  /** Forgets everything, e.g. after rebuildRollups rewrote past hours or rows were loaded into them. */
  clear(): void;
  readonly size: number;
}

/**
 * A least-recently-used map of settled hours.
 * @example const cache = createMonitorCache(); await monitorReport(db, { ...request, cache });
 */
export function createMonitorCache(maxWeight = MONITOR_CACHE_WEIGHT): MonitorCache {
  const entries = new Map<string, { value: unknown; weight: number }>();
  let total = 0;
  const remove = (key: string): void => {
    const entry = entries.get(key);
    if (!entry) return;
    total -= entry.weight;
    entries.delete(key);
  };
  return {
    get<T>(key: string) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.value as T;
    },
    set(key, value, weight = 1) {
      remove(key);
      entries.set(key, { value, weight });
      total += weight;
      while (total > maxWeight && entries.size > 1) remove(entries.keys().next().value as string);
    },
    clear() {
      entries.clear();
      total = 0;
    },
    get size() {
      return entries.size;
    },
  };
}
