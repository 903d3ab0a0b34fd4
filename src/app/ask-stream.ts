/**
 * The ask use case as a stream, on the same path as ask(): cache lookup -> retrieve, rerank and
 * cut -> answer-or-refuse decision -> the router's choice of model under its policies, budgets and
 * ledger -> streamed answer -> citation check -> cache store. A hit is replayed as the same events.
 * The `done` event carries the request id, the stage timings and the cache outcome.
 */
import { assertTenantName } from '../config/tenant-name.js';
import type { AnswerEvent, AnswerSource } from '../generate/answer-types.js';
import type { Citation } from '../generate/citation-types.js';
import { decideAnswer } from '../generate/prepare-answer.js';
import { streamAnswer } from '../generate/stream-answer.js';
import { zeroUsage, type Usage } from '../models/types.js';
import { answerInput, cacheable, cacheScope } from './answer-input.js';
import { emptyTimings, since } from './ask.js';
import { PROMPT_TEMPLATE_VERSION, type Components } from './components.js';
import { requestIdOf } from './request-id.js';
import { legTimings, retrieveForAnswer } from './retrieve.js';
import type { AskRequest, AskResult } from './types.js';
import { traceCacheLookup, traceCacheWrite } from '../monitor/tracing/cache-spans.js';
import { traceAskStream, traceDecision } from '../monitor/tracing/use-case-spans.js';
import { currentRequestId } from '../monitor/tracing/with-span.js';

type Done = Extract<AnswerEvent, { type: 'done' }>;
type StoredResult = Omit<AskResult, 'cache' | 'latencyMs' | 'timings'>;

/** The events of a cached answer, as a fresh stream would have sent them. */
function* replay(result: StoredResult): Generator<AnswerEvent> {
  yield { type: 'sources', sources: result.sources };
  for (const piece of result.answer.match(/\s*\S+\s*/g) ?? []) yield { type: 'token', text: piece };
  yield { type: 'citations', citations: result.citations, droppedCitations: result.droppedCitations, dropped: result.dropped, answer: result.answer };
  yield { type: 'usage', usage: zeroUsage() };
  yield { type: 'done', refused: result.refused, ...(result.refusalReason ? { refusalReason: result.refusalReason } : {}), model: result.model, answer: result.answer };
}

/** The streamed answer's events, in an `ask stream` span that every stage span of it is under. */
export async function* askStream(components: Components, request: AskRequest): AsyncGenerator<AnswerEvent> {
  // Without an id of its own, the request takes the one of the trace it runs in (a traced CLI run's).
  const requestId = requestIdOf(request.requestId ?? currentRequestId());
  yield* traceAskStream(requestId, assertTenantName(request.tenant ?? components.config.tenant), () => askStreamStages(components, { ...request, requestId }));
}

async function* askStreamStages(components: Components, request: AskRequest): AsyncGenerator<AnswerEvent> {
  const startedAll = performance.now();
  const { config, router, cache } = components;
  const tenant = assertTenantName(request.tenant ?? config.tenant);
  const requestId = requestIdOf(request.requestId);
  const timings = emptyTimings();
  const useCache = cacheable(components, request);
  const cacheRequest = { question: request.question, scope: cacheScope(components, tenant, request, PROMPT_TEMPLATE_VERSION) };
  const finishDone = (event: Done, cacheInfo: AskResult['cache'], extra: Partial<Done> = {}): Done => {
    timings.totalMs = since(startedAll);
    return { ...event, ...extra, requestId, timings: { ...timings }, cache: cacheInfo };
  };

  let started = performance.now();
  const found = useCache ? await traceCacheLookup(() => cache.lookup(cacheRequest)) : undefined;
  timings.cacheMs = since(started);
  if (found?.hit) {
    const stored = (found.entry.metadata as { result?: StoredResult }).result;
    if (stored) {
      const info = { hit: true, layer: found.layer, similarity: found.similarity };
      for (const event of replay(stored)) yield event.type === 'done' ? finishDone(event, info, { costUsd: 0 }) : event;
      return;
    }
  }
  const miss = { hit: false, layer: null, similarity: found?.similarity ?? null };

  started = performance.now();
  const retrieval = await retrieveForAnswer(components, tenant, request);
  timings.retrieveMs = since(started);
  Object.assign(timings, legTimings(retrieval.timings));

  started = performance.now();
  const input = answerInput(components, request, retrieval, { kind: 'answer' });
  input.decision = traceDecision(() => decideAnswer(input));
  timings.decisionMs = since(started);
  const scoreOf = input.decision.answerabilityScore === undefined ? {} : { answerabilityScore: input.decision.answerabilityScore };
  if (input.decision.kind === 'refuse') {
    // A refusal costs no model call: no router, no ledger row, no budget.
    for await (const event of streamAnswer(input)) yield event.type === 'done' ? finishDone(event, miss, { ...scoreOf, costUsd: 0, confidence: retrieval.confidence }) : event;
    return;
  }

  started = performance.now();
  let sources: AnswerSource[] = [];
  let citations: { citations: Citation[]; droppedCitations: number; dropped: StoredResult['dropped'] } | undefined;
  let usage: Usage = zeroUsage();
  const events = router.stream(
    { tenant, requestId, route: 'ask-stream', inputTokens: config.generate.maxContextTokens, maxTokens: config.generate.maxOutputTokens, signal: request.signal },
    (model, context) => streamAnswer({ ...input, chatModel: model, signal: context.signal, maxOutputTokens: context.maxTokens }),
    (event) => (event.type === 'usage' ? event.usage : undefined),
  );
  for await (const event of events) {
    if (event.type === 'sources') sources = event.sources;
    else if (event.type === 'citations') citations = { citations: event.citations, droppedCitations: event.droppedCitations, dropped: event.dropped };
    else if (event.type === 'usage') usage = event.usage;
    if (event.type !== 'done') {
      yield event;
      continue;
    }
    timings.generationMs = since(started);
    const versions = new Map(retrieval.chunks.map((c) => [c.documentId, c.documentVersion]));
    const documents = [...new Set((citations?.citations ?? []).map((c) => c.documentId))].map((id) => ({ id, version: versions.get(id) ?? 0 }));
    if (useCache && !event.refused && documents.length > 0 && citations) {
      const result: StoredResult = {
        answer: event.answer,
        citations: citations.citations,
        refused: false,
        usage,
        droppedCitations: citations.droppedCitations,
        dropped: citations.dropped,
        model: event.model,
        sources: sources.map((s) => ({ ...s, documentVersion: versions.get(s.documentId) })) as AnswerSource[],
        promptTokens: 0,
        ...scoreOf,
        retrieval: { mode: retrieval.mode, requestedMode: retrieval.requestedMode, confidence: retrieval.confidence, notices: retrieval.notices },
        requestId,
        costUsd: 0,
        route: { policy: config.router.policy.kind, model: event.model, steps: [] },
      };
      const storeStarted = performance.now();
      try {
        await traceCacheWrite(() => cache.store(cacheRequest, { answer: event.answer, citations: citations!.citations as never, documents, metadata: { result, requestId } }));
      } catch (error) {
        // The answer is good and already sent; a failed cache write must not fail it. Said on stderr.
        process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'warn', msg: 'cache store failed after a streamed answer', requestId, error: (error as Error).message })}\n`);
      }
      timings.cacheMs += since(storeStarted);
    }
    yield finishDone(event, miss, { ...scoreOf, confidence: retrieval.confidence });
  }
}
