import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { askResultJson } from '../../ask-json.js';
import type { AskResult } from '../../groundwork.js';
import type { AppEnv, RouteDeps } from '../app-env.js';
import { startAnswerStream } from '../answer-stream.js';
import { parseJsonBody } from '../parse-input.js';
import { streamFailed } from '../request-log.js';
import { askBodySchema } from '../request-schemas.js';
import { withRequestSignal } from '../request-guards.js';
import { resolveTenant } from '../resolve-tenant.js';
import { answerStreamTelemetry, answerTelemetry } from '../../monitor/telemetry-details.js';
import type { AnswerEvent } from '../../generate/answer-types.js';
import { citedDocumentsOf } from '../../registry/request-arm.js';

/** The JSON answer of `POST /v1/ask`: the shared answer shape, with this request's id. */
export function askResponse(result: AskResult, requestId: string): Record<string, unknown> {
  return { ...askResultJson(result), requestId };
}

/**
 * `POST /v1/ask`: a cited answer, or with `stream: true` server-sent events in the order
 * `sources`, `token`..., `citations`, `usage`, `done`; or, when it fails midway (also when the
 * server shuts down before it ends), an `error` event as its last event.
 */
export function registerAskRoute(app: Hono<AppEnv>, deps: RouteDeps): void {
  const { groundwork, options, metrics } = deps;
  app.post('/v1/ask', async (c) => {
    const body = await parseJsonBody(c, askBodySchema);
    const tenant = resolveTenant(c.get('principal'), body.tenant, groundwork.config.tenant);
    const request = { question: body.question, tenant, mode: body.mode, topK: body.topK, filters: body.filters, history: body.history, signal: c.get('signal'), requestId: c.get('requestId') };
    // The registry arm's configuration (A/B test, canary, production entries) when the server serves
    // arms: the same resolution for the JSON answer and the stream (and for chat completions and MCP).
    const arm = c.get('requestArm');
    const served = (await arm?.groundworkFor(tenant)) ?? groundwork;
    if (!body.stream) {
      const started = performance.now();
      const result = await withRequestSignal(request.signal, served.ask(request), options.requestTimeoutMs);
      metrics.observeStage('answer', (performance.now() - started) / 1000);
      metrics.observeAnswer(result.model, result.usage, result.refused, result.costUsd);
      metrics.observeCacheResult(result.cache.layer);
      c.set('telemetry', answerTelemetry(tenant, body.question, result));
      arm?.answered(tenant, result.requestId, body.question, { refused: result.refused, citedDocuments: citedDocumentsOf(result.citations) });
      return c.json(askResponse(result, c.get('requestId')));
    }
    const telemetry = answerStreamTelemetry(tenant, body.question, (details) => c.set('telemetry', details));
    // A finished stream's question is kept like a JSON answer's: the citations event, then done.
    let cited: string[] = [];
    const observe = (event: AnswerEvent): void => {
      telemetry(event);
      if (event.type === 'citations') cited = citedDocumentsOf(event.citations);
      else if (event.type === 'done') arm?.answered(tenant, event.requestId ?? c.get('requestId'), body.question, { refused: event.refused, citedDocuments: cited });
    };
    const answer = await startAnswerStream(served, request, metrics, options.requestTimeoutMs);
    return streamSSE(c, async (stream) => {
      let id = 0;
      const send = async (event: { type: string }): Promise<void> => {
        const { type, ...data } = event;
        await stream.writeSSE({ event: type, data: JSON.stringify(data), id: String(id++) });
      };
      stream.onAbort(() => void answer.cancel());
      try {
        observe(answer.first);
        await send(answer.first);
        for await (const event of answer.rest()) {
          observe(event);
          await send(event);
        }
      } catch (error) {
        await answer.cancel();
        await send({ type: 'error', ...streamFailed(c, error) });
      }
    });
  });
}
