import type { AnswerEvent } from '../generate/answer-types.js';
import type { AskRequest, Groundwork } from '../groundwork.js';
import { zeroUsage } from '../models/types.js';
import type { ServerMetrics } from './server-metrics.js';
import { withRequestSignal } from './request-guards.js';

/** A started answer stream: its first event already arrived (so early errors still get a status). */
export interface StartedAnswerStream {
  first: AnswerEvent;
  /** The remaining events; each wait is raced against the request signal (TIMEOUT on expiry). */
  rest(): AsyncGenerator<AnswerEvent>;
  /** Stops the underlying generator (client gone, timeout). */
  cancel(): Promise<void>;
}

/**
 * Starts `groundwork.askStream` and meters it: the `retrieve` stage until the sources are known,
 * `generate` from there to `done`, and the answer's tokens and cost. Throws before any byte is
 * sent when retrieval fails, so the caller can answer with a proper error status.
 */
export async function startAnswerStream(groundwork: Groundwork, request: AskRequest, metrics: ServerMetrics, timeoutMs: number): Promise<StartedAnswerStream> {
  const signal = request.signal!;
  const iterator = groundwork.askStream(request)[Symbol.asyncIterator]();
  const started = performance.now();
  let generateStarted = started;
  let usage = zeroUsage();
  const observe = (event: AnswerEvent): void => {
    if (event.type === 'sources') {
      generateStarted = performance.now();
      metrics.observeStage('retrieve', (generateStarted - started) / 1000);
    } else if (event.type === 'usage') {
      usage = event.usage;
    } else if (event.type === 'done') {
      metrics.observeStage('generate', (performance.now() - generateStarted) / 1000);
      metrics.observeAnswer(event.model, usage, event.refused);
    }
  };
  const firstResult = await withRequestSignal(signal, iterator.next(), timeoutMs).catch(async (error: unknown) => {
    await iterator.return?.(undefined);
    throw error;
  });
  if (firstResult.done) throw new Error('askStream ended without any event');
  observe(firstResult.value);
  return {
    first: firstResult.value,
    async *rest() {
      for (;;) {
        const next = await withRequestSignal(signal, iterator.next(), timeoutMs);
        if (next.done) return;
        observe(next.value);
        yield next.value;
      }
    },
    async cancel() {
      // A generator busy in an await finishes that step first; do not wait for it (it sees the aborted signal).
      iterator.return?.(undefined)?.catch(() => {});
    },
  };
}
