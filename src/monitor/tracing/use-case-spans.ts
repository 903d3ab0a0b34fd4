/**
 * The spans of the use cases (src/app/): one span per use case (`ask`, `ask stream`, `retrieve`,
 * `ingest`) carrying the request id for every span under it, and one per stage of an answer
 * (`retrieve`, `answer decision`, `generate`) with what the stage decided. The shapes here are
 * structural, so this module depends on nothing of the stages it describes.
 */
import type { Span } from '@opentelemetry/api';
import { ATTR_GEN_AI_OPERATION_NAME, ATTR_GROUNDWORK_TENANT, GEN_AI_OPERATION_NAME_VALUE_RETRIEVAL } from './span-attributes.js';
import { withSpan, withSpanStream } from './with-span.js';

/** What an answer says about itself (the ask use case's AskResult). */
interface AnswerOutcome {
  refused: boolean;
  refusalReason?: string;
  model: string;
  costUsd?: number;
  cache?: { hit: boolean; layer: string | null };
  retrieval?: { confidence: number; mode: string };
}

function recordAnswer(span: Span, answer: AnswerOutcome): void {
  if (!span.isRecording()) return;
  span.setAttributes({
    'groundwork.answer.refused': answer.refused,
    'groundwork.answer.model': answer.model,
    ...(answer.refusalReason ? { 'groundwork.answer.refusal_reason': answer.refusalReason } : {}),
    ...(answer.costUsd !== undefined ? { 'groundwork.cost_usd': answer.costUsd } : {}),
    ...(answer.cache ? { 'groundwork.cache.outcome': answer.cache.hit && answer.cache.layer ? answer.cache.layer : 'miss' } : {}),
    ...(answer.retrieval ? { 'groundwork.retrieve.confidence': answer.retrieval.confidence, 'groundwork.retrieve.mode': answer.retrieval.mode } : {}),
  });
}

/** The `ask` use case in its span: the request id goes on it and on every stage span under it. */
export function traceAsk<R extends AnswerOutcome>(requestId: string, tenant: string, run: () => Promise<R>): Promise<R> {
  return withSpan(
    'ask',
    { [ATTR_GROUNDWORK_TENANT]: tenant },
    async (span) => {
      const result = await run();
      recordAnswer(span, result);
      return result;
    },
    { requestId },
  );
}

/** A streamed answer's events, in an `ask stream` span that lasts until the last event; its `done` event's outcome goes on the span. */
export function traceAskStream<E extends { type: string }>(requestId: string, tenant: string, source: () => AsyncIterable<E>): AsyncGenerator<E> {
  return withSpanStream(
    'ask stream',
    { [ATTR_GROUNDWORK_TENANT]: tenant },
    async function* (span) {
      for await (const event of source()) {
        if (event.type === 'done') recordAnswer(span, event as unknown as AnswerOutcome);
        yield event;
      }
    },
    { requestId },
  );
}

/** What a retrieval found (the retriever's RetrieveResult). */
interface RetrievalOutcome {
  mode: string;
  confidence: number;
  chunks: unknown[];
}

/** A retrieval in its `retrieve` span (the GenAI `retrieval` operation); the legs' spans go under it. */
export function traceRetrieval<R extends RetrievalOutcome>(requestedMode: string | undefined, run: () => Promise<R>): Promise<R> {
  return withSpan('retrieve', { [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_RETRIEVAL, ...(requestedMode ? { 'groundwork.retrieve.requested_mode': requestedMode } : {}) }, async (span) => {
    const result = await run();
    if (span.isRecording()) span.setAttributes({ 'groundwork.retrieve.mode': result.mode, 'groundwork.retrieve.chunks': result.chunks.length, 'groundwork.retrieve.confidence': result.confidence });
    return result;
  });
}

/** What the answer-or-refuse decision decided. */
interface DecisionOutcome {
  kind: 'answer' | 'refuse';
  reason?: string;
  answerabilityScore?: number;
}

/** The answer-or-refuse decision in its `answer decision` span. */
export function traceDecision<D extends DecisionOutcome>(decide: () => D): D {
  return withSpan('answer decision', {}, (span) => {
    const decision = decide();
    if (span.isRecording()) {
      span.setAttribute('groundwork.decision', decision.kind);
      if (decision.reason) span.setAttribute('groundwork.decision.reason', decision.reason);
      if (decision.answerabilityScore !== undefined) span.setAttribute('groundwork.decision.answerability', decision.answerabilityScore);
    }
    return decision;
  });
}

/** What the router answered with (its RoutedAnswer). */
interface RoutedOutcome {
  model: string;
  costUsd: number;
  decision: { policy: string; steps: unknown[] };
}

/** Routing and generation in a `generate` span: every model call the router makes (cascade steps, fallbacks) is a child. */
export function traceGeneration<R extends RoutedOutcome>(run: () => Promise<R>): Promise<R> {
  return withSpan('generate', {}, async (span) => {
    const routed = await run();
    if (span.isRecording()) {
      span.setAttributes({ 'groundwork.router.policy': routed.decision.policy, 'groundwork.router.model': routed.model, 'groundwork.router.calls': routed.decision.steps.length, 'groundwork.cost_usd': routed.costUsd });
    }
    return routed;
  });
}

/** What an ingest run did (the pipeline's IngestSummary). */
interface IngestOutcome {
  documents: { added: number; updated: number; unchanged: number; deleted: number; skipped: number };
  chunks: number;
}

/** An ingest run in its `ingest` span; the pipeline's batch spans go under it. */
export function traceIngest<S extends IngestOutcome>(tenant: string, run: () => Promise<S>): Promise<S> {
  return withSpan('ingest', { [ATTR_GROUNDWORK_TENANT]: tenant }, async (span) => {
    const summary = await run();
    if (span.isRecording()) {
      for (const [key, count] of Object.entries(summary.documents)) span.setAttribute(`groundwork.ingest.documents.${key}`, count);
      span.setAttribute('groundwork.ingest.chunks', summary.chunks);
    }
    return summary;
  });
}
