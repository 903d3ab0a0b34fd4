import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { GroundworkError } from '../../errors.js';
import type { Citation } from '../../generate/citation-types.js';
import type { ChatMessage, Usage } from '../../models/types.js';
import { MAX_QUERY_CHARS } from '../../retrieve/retriever.js';
import type { AppEnv, RouteDeps } from '../app-env.js';
import { startAnswerStream } from '../answer-stream.js';
import { citationFooter } from '../citation-footer.js';
import { parseJsonBody } from '../parse-input.js';
import { streamFailed } from '../request-log.js';
import { withRequestSignal } from '../request-guards.js';
import { resolveTenant } from '../resolve-tenant.js';
import { answerStreamTelemetry, answerTelemetry } from '../../monitor/telemetry-details.js';

const textPart = z.object({ type: z.literal('text'), text: z.string() }).passthrough();
const messageSchema = z
  .object({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
    content: z.union([z.string(), z.array(textPart), z.null()]).optional(),
  })
  .passthrough();

/**
 * OpenAI's chat completions request, as far as groundwork uses it. Sampling fields (temperature,
 * max_tokens ...) are accepted and ignored: the answer settings come from the server's config.
 * `tenant` is a groundwork extra (send it with the SDK's extra body fields).
 */
export const chatCompletionsBodySchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(messageSchema).min(1).max(200),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).passthrough().nullish(),
    n: z.literal(1).nullish(),
    tenant: z.string().optional(),
  })
  .passthrough();

type ChatBody = z.infer<typeof chatCompletionsBodySchema>;

function textOf(content: ChatBody['messages'][number]['content']): string {
  if (content === undefined || content === null) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

/**
 * The question is the last message (it must be the user's); earlier user and assistant turns are
 * the history. Client system/developer/tool messages are left out: the grounding instructions are
 * the server's, and a client prompt must not loosen them.
 */
export function questionAndHistory(messages: ChatBody['messages']): { question: string; history: ChatMessage[] } {
  const last = messages.length - 1;
  if (messages[last].role !== 'user') throw fieldError(`messages.${last}.role`, `the last message must be the user's question, got role "${messages[last].role}"`);
  const question = textOf(messages[last].content);
  if (question.trim() === '') throw fieldError(`messages.${last}.content`, 'the question must not be empty');
  if (question.length > MAX_QUERY_CHARS) throw fieldError(`messages.${last}.content`, `the question is ${question.length} characters; the limit is ${MAX_QUERY_CHARS}`);
  const history: ChatMessage[] = messages
    .slice(0, last)
    .filter((m) => m.role === 'user' || m.role === 'assistant')
    .map((m) => ({ role: m.role as 'user' | 'assistant', content: textOf(m.content) }));
  return { question, history };
}

function fieldError(field: string, message: string): GroundworkError {
  return new GroundworkError('INPUT', `${field}: ${message}`, { details: { fields: [{ field, message }] } });
}

const openAIUsage = (usage: Usage) => ({
  prompt_tokens: usage.inputTokens,
  completion_tokens: usage.outputTokens,
  total_tokens: usage.inputTokens + usage.outputTokens,
  prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
});

/**
 * `POST /v1/chat/completions`: OpenAI-compatible, plain and streaming, so any OpenAI SDK or chat
 * UI can use groundwork as its model. Citations are in the message text (inline markers and a
 * "Sources:" list) and in an extra `citations` field (on the final chunk when streaming). A stream
 * that fails midway (also one cut by a server shutdown) sends `{error: {code, message}}` as its
 * last chunk (OpenAI SDKs raise it), then `data: [DONE]`.
 */
export function registerChatCompletionsRoute(app: Hono<AppEnv>, deps: RouteDeps): void {
  const { groundwork, options, metrics } = deps;
  app.post('/v1/chat/completions', async (c) => {
    const body = await parseJsonBody(c, chatCompletionsBodySchema);
    const tenant = resolveTenant(c.get('principal'), body.tenant, groundwork.config.tenant);
    const { question, history } = questionAndHistory(body.messages);
    const request = { question, history, tenant, signal: c.get('signal'), requestId: c.get('requestId') };
    // The registry arm's configuration (A/B test, canary, production entries) when the server serves arms.
    const served = (await c.get('requestArm')?.groundworkFor(tenant)) ?? groundwork;
    const id = `chatcmpl-${c.get('requestId')}`;
    const created = Math.floor(Date.now() / 1000);

    if (!body.stream) {
      const started = performance.now();
      const result = await withRequestSignal(request.signal, served.ask(request), options.requestTimeoutMs);
      metrics.observeStage('answer', (performance.now() - started) / 1000);
      metrics.observeAnswer(result.model, result.usage, result.refused, result.costUsd);
      metrics.observeCacheResult(result.cache.layer);
      c.set('telemetry', answerTelemetry(tenant, question, result));
      return c.json({
        id,
        object: 'chat.completion',
        created,
        model: result.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: result.answer + citationFooter(result.citations), refusal: null },
            finish_reason: 'stop',
            logprobs: null,
          },
        ],
        usage: openAIUsage(result.usage),
        citations: result.citations,
        refused: result.refused,
      });
    }

    const observe = answerStreamTelemetry(tenant, question, (details) => c.set('telemetry', details));
    const answer = await startAnswerStream(served, request, metrics, options.requestTimeoutMs);
    const model = served.chatModel.id;
    const chunk = (delta: Record<string, unknown>, finishReason: string | null = null, extra: Record<string, unknown> = {}) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
      ...extra,
    });
    return streamSSE(c, async (stream) => {
      const send = (data: unknown) => stream.writeSSE({ data: JSON.stringify(data) });
      stream.onAbort(() => void answer.cancel());
      let citations: Citation[] = [];
      let usage: Usage | undefined;
      try {
        await send(chunk({ role: 'assistant', content: '' }));
        const events = async function* () {
          yield answer.first;
          yield* answer.rest();
        };
        for await (const event of events()) {
          observe(event);
          if (event.type === 'token') await send(chunk({ content: event.text }));
          else if (event.type === 'citations') {
            citations = event.citations;
            const footer = citationFooter(citations);
            if (footer) await send(chunk({ content: footer }));
          } else if (event.type === 'usage') usage = event.usage;
          else if (event.type === 'done') await send(chunk({}, 'stop', { citations, refused: event.refused }));
        }
        if (body.stream_options?.include_usage && usage) await send({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: openAIUsage(usage) });
      } catch (error) {
        await answer.cancel();
        await send(streamFailed(c, error));
      }
      await stream.writeSSE({ data: '[DONE]' });
    });
  });
}
