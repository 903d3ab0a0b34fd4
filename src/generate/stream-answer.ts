import { zeroUsage, type Usage } from '../models/types.js';
import type { AnswerEvent, AnswerQuestionInput } from './answer-types.js';
import { prepareAnswer, sourcesOf } from './prepare-answer.js';
import { isRefusal, REFUSAL_TEXT, type RefusalReason } from './refusal.js';
import { resolveCitations } from './resolve-citations.js';

function* refusalEvents(model: string, reason: RefusalReason, usage: Usage = zeroUsage()): Generator<AnswerEvent> {
  yield { type: 'token', text: REFUSAL_TEXT };
  yield { type: 'citations', citations: [], droppedCitations: 0, dropped: [], answer: REFUSAL_TEXT };
  yield { type: 'usage', usage };
  yield { type: 'done', refused: true, refusalReason: reason, model, answer: REFUSAL_TEXT };
}

/**
 * The streaming form of answerQuestion. Events come in the order `sources`, `token`...,
 * `citations`, `usage`, `done`; citations are checked once the whole answer has arrived, and the
 * `citations` event carries the answer with dropped markers removed.
 * @example for await (const event of streamAnswer(input)) sse.write(event.type, event)
 */
export async function* streamAnswer(input: AnswerQuestionInput): AsyncGenerator<AnswerEvent> {
  const plan = prepareAnswer(input);
  const modelId = input.chatModel.id;
  if (plan.kind === 'refuse') {
    yield { type: 'sources', sources: [] };
    yield* refusalEvents(modelId, plan.reason);
    return;
  }
  yield { type: 'sources', sources: sourcesOf(plan.prompt) };
  if (plan.kind === 'extractive') {
    const result = plan.model.answerFromContext(plan.question, plan.chunks, plan.overrides);
    if (result.refused) {
      yield* refusalEvents(modelId, 'no-supporting-sentence');
      return;
    }
    for (const piece of result.text.match(/\s*\S+\s*/g) ?? []) yield { type: 'token', text: piece };
    yield { type: 'citations', citations: result.citations, droppedCitations: 0, dropped: [], answer: result.text };
    yield { type: 'usage', usage: zeroUsage() };
    yield { type: 'done', refused: false, model: modelId, answer: result.text };
    return;
  }
  let text = '';
  let usage = zeroUsage();
  let model = modelId;
  for await (const event of input.chatModel.stream(plan.request)) {
    if (event.type === 'token') {
      text += event.text;
      yield event;
    } else {
      text = event.result.text || text;
      usage = event.result.usage;
      if (event.result.model) model = `${input.chatModel.provider}:${event.result.model}`;
    }
  }
  const resolved = resolveCitations(text, plan.prompt.context);
  if (isRefusal(text, resolved.citations.length)) {
    yield { type: 'citations', citations: [], droppedCitations: resolved.dropped.length, dropped: resolved.dropped, answer: REFUSAL_TEXT };
    yield { type: 'usage', usage };
    yield { type: 'done', refused: true, refusalReason: 'model-refused', model, answer: REFUSAL_TEXT };
    return;
  }
  yield { type: 'citations', citations: resolved.citations, droppedCitations: resolved.dropped.length, dropped: resolved.dropped, answer: resolved.answer };
  yield { type: 'usage', usage };
  yield { type: 'done', refused: false, model, answer: resolved.answer };
}
