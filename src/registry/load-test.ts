import { quantile } from '../eval/bootstrap-ci.js';
import { loadGoldenSet } from '../eval/golden-set.js';
import type { Groundwork } from '../groundwork.js';
import { groundworkForOverrides } from './entry-groundwork.js';
import type { LoadBenchmarkRecord, RegistryEntry, RegistryStore } from './registry-store.js';

/** Methodology phase 7: error_rate_threshold 0.01 (alert above 1% errors). */
export const DEFAULT_LOAD_MAX_ERROR_RATE = 0.01;
/**
 * p95 per answer under load: about 3x the HTTP bench's /v1/ask p99 (~320 ms at 50 connections,
 * README), room for a shared machine while still catching a candidate that answers in seconds.
 */
export const DEFAULT_LOAD_MAX_P95_MS = 1000;
export const DEFAULT_LOAD_REQUESTS = 200;
export const DEFAULT_LOAD_CONCURRENCY = 8;

/** A load benchmark's settings. */
export interface LoadTestOptions {
  golden: string;
  tenant?: string;
  requests?: number;
  concurrency?: number;
  maxP95Ms?: number;
  maxErrorRate?: number;
}

/**
 * Load-tests an entry: the base configuration with the entry's overrides answers the golden set's
 * questions (cycled to `requests` asks, `concurrency` at a time, the answer cache off so every ask
 * takes the whole path) on the shared database, and the figures (p50/p95/p99 latency, error rate,
 * throughput) are recorded against the limits as the entry's load benchmark.
 */
export async function loadTestEntry(registry: RegistryStore, base: Groundwork, entry: RegistryEntry, options: LoadTestOptions): Promise<LoadBenchmarkRecord> {
  const golden = await loadGoldenSet(options.golden);
  const requests = options.requests ?? DEFAULT_LOAD_REQUESTS;
  const concurrency = Math.max(1, Math.min(options.concurrency ?? DEFAULT_LOAD_CONCURRENCY, requests));
  const limits = { maxP95Ms: options.maxP95Ms ?? DEFAULT_LOAD_MAX_P95_MS, maxErrorRate: options.maxErrorRate ?? DEFAULT_LOAD_MAX_ERROR_RATE };
  const tenant = options.tenant ?? (entry.tenant === '*' ? base.config.tenant : entry.tenant);
  const gw = await groundworkForOverrides(base, [entry.overrides, { cache: { enabled: false } }]);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests) {
          const item = golden.items[next % golden.items.length];
          next += 1;
          const t0 = performance.now();
          try {
            await gw.ask({ question: item.question, tenant });
          } catch {
            // Counted: the error rate is the figure; the benchmark goes on.
            errors += 1;
          }
          latencies.push(performance.now() - t0);
        }
      }),
    );
  } finally {
    await gw.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const round = (v: number) => Math.round(v * 100) / 100;
  const figures = {
    requests,
    concurrency,
    errors,
    errorRate: errors / requests,
    p50Ms: round(quantile(sorted, 0.5)),
    p95Ms: round(quantile(sorted, 0.95)),
    p99Ms: round(quantile(sorted, 0.99)),
    requestsPerSecond: round(requests / seconds),
  };
  const passed = figures.p95Ms <= limits.maxP95Ms && figures.errorRate <= limits.maxErrorRate;
  return registry.recordLoadBenchmark({ tenant: entry.tenant, entryId: entry.id, passed, figures, limits });
}
