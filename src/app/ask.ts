/**
 * The ask use case, as one straight line: cache lookup -> retrieve, rerank and cut -> answer-or-refuse
 * decision -> route (which model) -> answer -> citation check -> cache store; the router writes the
 * cost ledger. Every stage is timed (`timings`), and the request id names the ledger rows, the cache
 * entry written and the result.
 */
import { assertTenantName } from '../config/tenant-name.js';
import type { AnswerResult } from '../generate/answer-types.js';
import { answerQuestion } from '../generate/answer-question.js';
import { decideAnswer } from '../generate/prepare-answer.js';
import { REFUSAL_TEXT } from '../generate/refusal.js';
import { zeroUsage } from '../models/types.js';
import { extractRoutingFeatures } from '../router/routing-features.js';
import { answerInput, cacheable, cacheScope } from './answer-input.js';
import { PROMPT_TEMPLATE_VERSION, type Components } from './components.js';
import { requestIdOf } from './request-id.js';
import { legTimings, retrieveForAnswer } from './retrieve.js';
import type { AskRequest, AskResult, AskTimings } from './types.js';
import { traceAsk, traceDecision, traceGeneration } from '../monitor/tracing/use-case-spans.js';
import { currentRequestId } from '../monitor/tracing/with-span.js';

type Computed = Omit<AskResult, 'cache' | 'latencyMs' | 'timings'>;

/** Milliseconds since `started` (performance.now()), to the microsecond. */
export const since = (started: number): number => Math.round((performance.now() - started) * 1000) / 1000;

export function emptyTimings(): AskTimings {
  return { totalMs: 0, cacheMs: 0, retrieveMs: 0, legsMs: {}, rerankMs: 0, decisionMs: 0, generationMs: 0 };
}

/** Retrieve -> decide -> route and answer, timing each stage into `timings`. */
async function computeAnswer(components: Components, tenant: string, requestId: string, request: AskRequest, timings: AskTimings): Promise<Computed> {
  const { config, router, chatModel } = components;
  let started = performance.now();
  const retrieval = await retrieveForAnswer(components, tenant, request);
  timings.retrieveMs = since(started);
  Object.assign(timings, legTimings(retrieval.timings));
  const retrievalInfo = { mode: retrieval.mode, requestedMode: retrieval.requestedMode, confidence: retrieval.confidence, notices: retrieval.notices };

  started = performance.now();
  const input = answerInput(components, request, retrieval, { kind: 'answer' });
  const decision = traceDecision(() => decideAnswer(input));
  input.decision = decision;
  timings.decisionMs = since(started);
  if (decision.kind === 'refuse') {
    // A refusal costs no model call: the router (and so the ledger and budgets) is not involved.
    const refused: AnswerResult = {
      answer: REFUSAL_TEXT,
      citations: [],
      refused: true,
      refusalReason: decision.reason,
      usage: zeroUsage(),
      droppedCitations: 0,
      dropped: [],
      model: chatModel.id,
      sources: [],
      promptTokens: 0,
      ...(decision.answerabilityScore === undefined ? {} : { answerabilityScore: decision.answerabilityScore }),
    };
    return { ...refused, retrieval: retrievalInfo, requestId, costUsd: 0, route: { policy: config.router.policy.kind, model: chatModel.id, steps: [] } };
  }

  started = performance.now();
  // The routing and every model call it makes (cascade steps, fallbacks) under one `generate` span.
  const routed = await traceGeneration(() => router.answer(
    {
      tenant,
      route: 'ask',
      // Worst case before the prompt is built: the whole context budget.
      inputTokens: config.generate.maxContextTokens,
      maxTokens: config.generate.maxOutputTokens,
      features: extractRoutingFeatures({ query: request.question, retrieval: { confidence: retrieval.confidence, scores: retrieval.chunks.map((c) => c.score) } }) as never,
      signal: request.signal,
      requestId,
    },
    async (model, context) => {
      const result = await answerQuestion({ ...input, chatModel: model, signal: context.signal, maxOutputTokens: context.maxTokens });
      return {
        ...result,
        // What the cascade's answer check reads (the answerer checked the citations already).
        check: {
          answer: result.answer,
          citations: result.citations.map((c) => ({ sourceId: String(c.chunkId), quote: c.quote })),
          // With the chunk's edges: a quote completed across a chunk boundary is still the context's text.
          context: retrieval.chunks.map((c) => ({ id: String(c.chunkId), text: `${c.edges?.before ?? ''}${c.text}${c.edges?.after ?? ''}` })),
          retrievalConfidence: retrieval.confidence,
        },
      };
    },
  ));
  timings.generationMs = since(started);
  const { check: _check, ...result } = routed.result;
  const versions = new Map(retrieval.chunks.map((c) => [c.documentId, c.documentVersion]));
  return {
    ...result,
    sources: result.sources.map((s) => ({ ...s, documentVersion: versions.get(s.documentId) })) as typeof result.sources,
    retrieval: retrievalInfo,
    requestId: routed.requestId,
    costUsd: routed.costUsd,
    route: routed.decision,
  };
}

/** A cited answer, or an honest refusal, for one question (in an `ask` span that every stage span of it is under). */
export async function ask(components: Components, request: AskRequest): Promise<AskResult> {
  // Without an id of its own, the request takes the one of the trace it runs in (a traced CLI run's).
  const requestId = requestIdOf(request.requestId ?? currentRequestId());
  return traceAsk(requestId, assertTenantName(request.tenant ?? components.config.tenant), () => askStages(components, { ...request, requestId }));
}

async function askStages(components: Components, request: AskRequest): Promise<AskResult> {
  const started = performance.now();
  const tenant = assertTenantName(request.tenant ?? components.config.tenant);
  const requestId = requestIdOf(request.requestId);
  const timings = emptyTimings();
  const finish = (result: Computed, cache: AskResult['cache']): AskResult => {
    timings.totalMs = since(started);
    // What the stages did not take was the cache's: lookup, single-flight wait, store.
    timings.cacheMs = cache.hit ? timings.totalMs : Math.max(0, timings.totalMs - timings.retrieveMs - timings.decisionMs - timings.generationMs);
    if (!cacheable(components, request)) timings.cacheMs = 0;
    return { ...result, requestId, cache, timings, latencyMs: Math.round(timings.totalMs) };
  };

  if (!cacheable(components, request)) return finish(await computeAnswer(components, tenant, requestId, request, timings), { hit: false, layer: null, similarity: null });

  const cached = await components.cache.getOrCompute({ question: request.question, scope: cacheScope(components, tenant, request, PROMPT_TEMPLATE_VERSION) }, async () => {
    const result = await computeAnswer(components, tenant, requestId, request, timings);
    const documents = [...new Map(result.citations.map((c) => [c.documentId, c])).keys()].map((id) => ({
      id,
      version: (result.sources.find((s) => s.documentId === id) as { documentVersion?: number } | undefined)?.documentVersion ?? 0,
    }));
    // The entry remembers which request computed it.
    return { answer: result.answer, citations: result.citations as never, documents, metadata: { result, requestId }, cacheable: !result.refused && documents.length > 0 };
  });
  const result = (cached.answer.metadata as { result: Computed }).result;
  // A hit (or a wait on another request's computation) is this request's answer at no cost.
  const reused = cached.cache.hit || !cached.computed;
  return finish(reused ? { ...result, costUsd: 0, usage: zeroUsage() } : result, cached.cache);
}
