import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { CacheEvent } from '../cache/cache-stats.js';
import type { Usage } from '../models/types.js';
import type { ModelRegistry } from '../router/model-registry.js';
import { costOfUsage } from '../router/usage-cost.js';

/**
 * Latency buckets in seconds: 5 ms (a cached BM25 lookup) to 60 s (a long LLM answer), roughly
 * doubling, as Prometheus' guide suggests for request latencies.
 */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The service's Prometheus metrics, on a registry of its own (never prom-client's global one). */
export interface ServerMetrics {
  readonly registry: Registry;
  /** One finished HTTP request; `route` is the matched pattern (`/v1/documents/:id`), never the raw path. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Time spent in one stage of the pipeline (retrieve, generate, sparse, dense, ingest ...). */
  observeStage(stage: string, seconds: number): void;
  /** Tokens and dollars of one answer (`costUsd` when known, else priced from the table), and whether it was refused. */
  observeAnswer(model: string, usage: Usage, refused: boolean, costUsd?: number): void;
  /** One answer-cache lookup result as reported by `ask` (hit layer, or miss). */
  observeCacheResult(layer: 'exact' | 'semantic' | null): void;
  observeRateLimited(): void;
  /** Feed for the answer cache's `onEvent`: rejected semantic candidates by guard, cache errors. */
  observeCacheEvent(event: CacheEvent): void;
}

/** Builds the metrics; `prices` turns usage into dollars (models it does not know are counted as unpriced). */
export function createServerMetrics(options: { prices?: ModelRegistry; processMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'groundwork_' });
  const requests = new Counter({ name: 'groundwork_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'groundwork_http_request_duration_seconds',
    help: 'HTTP request latency by route (until the last byte for streams)',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const stages = new Histogram({ name: 'groundwork_stage_duration_seconds', help: 'Latency of pipeline stages', labelNames: ['stage'], buckets: LATENCY_BUCKETS, registers: [registry] });
  const tokens = new Counter({ name: 'groundwork_tokens_total', help: 'Model tokens by model and kind', labelNames: ['model', 'kind'], registers: [registry] });
  const cost = new Counter({ name: 'groundwork_cost_usd_total', help: 'Model spend in US dollars by model (price table)', labelNames: ['model'], registers: [registry] });
  const unpriced = new Counter({ name: 'groundwork_unpriced_answers_total', help: 'Answers with token usage from a model the price table does not know', labelNames: ['model'], registers: [registry] });
  const answers = new Counter({ name: 'groundwork_answers_total', help: 'Answers by model and refusal', labelNames: ['model', 'refused'], registers: [registry] });
  const limited = new Counter({ name: 'groundwork_rate_limited_total', help: 'Requests refused by the per-key rate limit', registers: [registry] });
  const cache = new Counter({ name: 'groundwork_cache_lookups_total', help: 'Answer cache lookups by result (exact_hit, semantic_hit, miss)', labelNames: ['result'], registers: [registry] });
  const cacheRejections = new Counter({ name: 'groundwork_cache_rejections_total', help: 'Semantic cache candidates rejected, by guard', labelNames: ['guard'], registers: [registry] });
  const cacheErrors = new Counter({ name: 'groundwork_cache_errors_total', help: 'Answer cache errors by operation', labelNames: ['operation'], registers: [registry] });
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
    observeStage(stage, seconds) {
      stages.observe({ stage }, seconds);
    },
    observeAnswer(model, usage, refused, costUsd) {
      answers.inc({ model, refused: String(refused) });
      tokens.inc({ model, kind: 'input' }, usage.inputTokens);
      tokens.inc({ model, kind: 'output' }, usage.outputTokens);
      tokens.inc({ model, kind: 'cached_input' }, usage.cachedInputTokens);
      if (costUsd !== undefined) {
        cost.inc({ model }, costUsd);
        return;
      }
      if (usage.inputTokens + usage.outputTokens === 0) return;
      if (options.prices?.has(model)) cost.inc({ model }, costOfUsage(options.prices.get(model), usage));
      else unpriced.inc({ model });
    },
    observeRateLimited() {
      limited.inc();
    },
    observeCacheResult(layer) {
      cache.inc({ result: layer ? `${layer}_hit` : 'miss' });
    },
    observeCacheEvent(event) {
      if (event.type === 'rejection') cacheRejections.inc({ guard: event.guard });
      else if (event.type === 'error') cacheErrors.inc({ operation: event.operation });
    },
  };
}
