import type { CacheOutcome, TelemetryRoute } from './types.js';
import type { TelemetryRecord } from './telemetry-writer.js';

/**
 * What a route knows about its request beyond the HTTP layer (set as the `telemetry` context
 * variable; the telemetry middleware adds status, times, request id and arm).
 */
export type TelemetryDetails = Omit<Partial<TelemetryRecord>, 'status' | 'totalMs' | 'requestId' | 'at' | 'route'> & { route?: TelemetryRoute };

/**
 * Timing fields of the use cases' results (AskResult.timings: totalMs, cacheMs, retrieveMs,
 * legsMs, rerankMs, decisionMs, generationMs; RetrieveResult.timings), in ms. Read by key, so any
 * timings object fits.
 */
type Timings = object;

/** Per-stage times from a result's timings: `cacheMs` -> `cache`, each leg as `leg:<name>`. */
export function stageTimes(timings: Timings | undefined): Record<string, number> {
  const stages: Record<string, number> = {};
  if (!timings) return stages;
  for (const [key, value] of Object.entries(timings as Record<string, unknown>)) {
    if (key === 'legsMs' && value && typeof value === 'object') {
      for (const [leg, ms] of Object.entries(value as Record<string, unknown>)) if (typeof ms === 'number' && Number.isFinite(ms)) stages[`leg:${leg}`] = ms;
    } else if (typeof value === 'number' && Number.isFinite(value)) {
      stages[key.replace(/Ms$/, '')] = value;
    }
  }
  return stages;
}

/** The answer fields every answering route shares (ask, stream's done event, chat completions). */
interface AnswerLike {
  refused: boolean;
  refusalReason?: string;
  model: string;
  usage?: { inputTokens: number; outputTokens: number };
  costUsd?: number;
  answerabilityScore?: number;
  cache?: { layer: 'exact' | 'semantic' | null };
  retrieval?: { confidence?: number };
  sources?: readonly { score?: number }[];
  timings?: Timings;
}

/** Telemetry of an answer (`gw.ask`'s result, or a stream's final fields). */
export function answerTelemetry(tenant: string, question: string, result: AnswerLike): TelemetryDetails {
  const cache: CacheOutcome | undefined = result.cache ? (result.cache.layer ?? 'miss') : undefined;
  const scores = (result.sources ?? []).map((source) => source.score).filter((score): score is number => typeof score === 'number');
  return {
    tenant,
    query: question,
    refused: result.refused,
    refusalReason: result.refusalReason,
    model: result.model,
    inputTokens: result.usage?.inputTokens,
    outputTokens: result.usage?.outputTokens,
    costUsd: result.costUsd,
    answerability: result.answerabilityScore,
    cache,
    confidence: result.retrieval?.confidence,
    topScore: scores.length > 0 ? Math.max(...scores) : undefined,
    stageMs: stageTimes(result.timings),
  };
}

/** Telemetry of a retrieval (`gw.retrieve`'s result). */
export function retrieveTelemetry(tenant: string, query: string, result: { confidence: number; chunks: readonly { score: number }[]; timings?: Timings }): TelemetryDetails {
  return {
    tenant,
    query,
    confidence: result.confidence,
    topScore: result.chunks[0]?.score,
    stageMs: stageTimes(result.timings),
  };
}

/** The stream events telemetry reads (a subset of AnswerEvent's fields). */
type StreamEvent =
  | { type: 'sources'; sources: readonly { score?: number }[] }
  | { type: 'usage'; usage: { inputTokens: number; outputTokens: number } }
  | {
      type: 'done';
      refused: boolean;
      refusalReason?: string;
      model: string;
      timings?: { [stage: string]: number | Record<string, number> };
      cache?: { layer: 'exact' | 'semantic' | null };
      answerabilityScore?: number;
      costUsd?: number;
      confidence?: number;
    }
  | { type: string };

/**
 * Follows a streamed answer's events and, at its `done` event, hands the answer's telemetry to
 * `set` (the route's `c.set('telemetry', ...)`): sources give the top score, usage the tokens.
 * @example const observe = answerStreamTelemetry(tenant, question, (details) => c.set('telemetry', details));
 */
export function answerStreamTelemetry(tenant: string, question: string, set: (details: TelemetryDetails) => void): (event: StreamEvent) => void {
  let sources: readonly { score?: number }[] = [];
  let usage: { inputTokens: number; outputTokens: number } | undefined;
  set({ tenant, query: question });
  return (event) => {
    if (event.type === 'sources' && 'sources' in event) sources = event.sources;
    else if (event.type === 'usage' && 'usage' in event) usage = event.usage;
    else if (event.type === 'done' && 'refused' in event) {
      set(answerTelemetry(tenant, question, { ...event, usage, sources, retrieval: { confidence: event.confidence }, timings: event.timings }));
    }
  };
}
