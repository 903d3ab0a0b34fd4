/**
 * The span of one model call, with the OpenTelemetry GenAI attributes: named `chat <model>`, kind
 * CLIENT, provider and model asked for, output cap, and the tokens the call used.
 */
import { context, SpanKind, type Attributes, type Span } from '@opentelemetry/api';
import type { Usage } from '../../models/types.js';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
} from './span-attributes.js';
import { endWithError, groundworkTracer, withSpan } from './with-span.js';

/** What a model span says about the call before it is made. */
export interface ModelCall {
  /** The chat model (`id` as groundwork names it, e.g. `openai:gpt-4o-mini`; `provider`, e.g. `openai`). */
  model: { id: string; provider: string };
  maxTokens: number;
  /** The router's policy and this call's place among the request's model calls (1 = first). */
  policy?: string;
  step?: number;
  stream?: boolean;
}

/** The model name a provider knows (`gpt-4o-mini` of `openai:gpt-4o-mini`); ids without the provider prefix stay whole. */
export function providerModelName(model: { id: string; provider: string }): string {
  const prefix = `${model.provider}:`;
  return model.id.startsWith(prefix) ? model.id.slice(prefix.length) : model.id;
}

/** The span name the GenAI conventions give a chat call: `{gen_ai.operation.name} {gen_ai.request.model}`. */
export function modelCallSpanName(call: ModelCall): string {
  return `${GEN_AI_OPERATION_NAME_VALUE_CHAT} ${providerModelName(call.model)}`;
}

/** The attributes known before the call. */
export function modelCallAttributes(call: ModelCall): Attributes {
  return {
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
    [ATTR_GEN_AI_PROVIDER_NAME]: call.model.provider,
    [ATTR_GEN_AI_SYSTEM]: call.model.provider,
    [ATTR_GEN_AI_REQUEST_MODEL]: providerModelName(call.model),
    [ATTR_GEN_AI_REQUEST_MAX_TOKENS]: call.maxTokens,
    'groundwork.model.id': call.model.id,
    ...(call.stream ? { [ATTR_GEN_AI_REQUEST_STREAM]: true } : {}),
    ...(call.policy ? { 'groundwork.router.policy': call.policy } : {}),
    ...(call.step !== undefined ? { 'groundwork.router.step': call.step } : {}),
  };
}

/** Writes a call's token usage (and its cost, when priced) onto its span. */
export function recordModelUsage(span: Span, usage: Usage, costUsd?: number): void {
  if (!span.isRecording()) return;
  span.setAttributes({
    [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: usage.inputTokens,
    [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: usage.outputTokens,
    [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: usage.cachedInputTokens,
    ...(costUsd !== undefined ? { 'groundwork.cost_usd': costUsd } : {}),
  });
}

/**
 * Runs one model call in its span; `usageOf` reads the usage (and cost) from the result. A failed
 * call ends the span with the error, and the error goes on.
 * @example
 * const result = await traceModelCall({ model, maxTokens }, () => model.generate(request), (r) => ({ usage: r.usage }));
 */
export function traceModelCall<R>(call: ModelCall, fn: (span: Span) => Promise<R>, usageOf: (result: R) => { usage: Usage; costUsd?: number }): Promise<R> {
  return withSpan(
    modelCallSpanName(call),
    modelCallAttributes(call),
    async (span) => {
      const result = await fn(span);
      const { usage, costUsd } = usageOf(result);
      recordModelUsage(span, usage, costUsd);
      return result;
    },
    { kind: SpanKind.CLIENT },
  );
}

/** A model call whose end the caller decides (a stream): started now under the active span; end it with `end`. */
export function startModelCallSpan(call: ModelCall): { span: Span; end(outcome: { usage: Usage; costUsd?: number; error?: unknown; cutShort?: boolean }): void } {
  const span = groundworkTracer().startSpan(modelCallSpanName(call), { kind: SpanKind.CLIENT, attributes: modelCallAttributes(call) }, context.active());
  return {
    span,
    /** `cutShort`: the consumer stopped reading before the stream's end (not an error of the call). */
    end({ usage, costUsd, error, cutShort }) {
      recordModelUsage(span, usage, costUsd);
      if (cutShort && span.isRecording()) span.setAttribute('groundwork.stream.cut_short', true);
      if (error !== undefined) endWithError(span, error);
      else span.end();
    },
  };
}

