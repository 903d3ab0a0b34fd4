import { zeroUsage } from '../models/types.js';
import type { AnswerQuestionInput, AnswerResult } from './answer-types.js';
import { prepareAnswer, sourcesOf } from './prepare-answer.js';
import { isRefusal, REFUSAL_TEXT, type RefusalReason } from './refusal.js';
import { resolveCitations } from './resolve-citations.js';

function refusal(model: string, reason: RefusalReason, rest: Partial<AnswerResult> = {}): AnswerResult {
  return {
    answer: REFUSAL_TEXT,
    citations: [],
    refused: true,
    refusalReason: reason,
    usage: zeroUsage(),
    droppedCitations: 0,
    dropped: [],
    model,
    sources: [],
    promptTokens: 0,
    ...rest,
  };
}

/**
 * Answers a question from retrieved chunks: refuses without any model call when there are no chunks
 * or the retriever's confidence is under `refusalThreshold`; otherwise packs the fenced context into
 * the token budget, asks the chat model (or quotes extractively), and checks every citation against
 * the context given, dropping and counting the rest.
 * @example await answerQuestion({ question, retrieval, chatModel, refusalThreshold: 0.1, tokenCounter })
 */
export async function answerQuestion(input: AnswerQuestionInput): Promise<AnswerResult> {
  const plan = prepareAnswer(input);
  const result = await answerPlan(input, plan);
  return plan.answerabilityScore === undefined ? result : { ...result, answerabilityScore: plan.answerabilityScore };
}

async function answerPlan(input: AnswerQuestionInput, plan: ReturnType<typeof prepareAnswer>): Promise<AnswerResult> {
  const modelId = input.chatModel.id;
  if (plan.kind === 'refuse') return refusal(modelId, plan.reason, { promptTokens: plan.prompt?.tokenCount ?? 0 });
  const sources = sourcesOf(plan.prompt);
  if (plan.kind === 'extractive') {
    const result = plan.model.answerFromContext(plan.question, plan.chunks, plan.overrides);
    if (result.refused) return refusal(modelId, 'no-supporting-sentence', { promptTokens: plan.prompt.tokenCount, sources });
    return { answer: result.text, citations: result.citations, refused: false, usage: zeroUsage(), droppedCitations: 0, dropped: [], model: modelId, sources, promptTokens: plan.prompt.tokenCount };
  }
  const generated = await input.chatModel.generate(plan.request);
  const common = { usage: generated.usage, model: generated.model ? `${input.chatModel.provider}:${generated.model}` : modelId, sources, promptTokens: plan.prompt.tokenCount };
  const resolved = resolveCitations(generated.text, plan.prompt.context);
  // The one refusal detector, which the router's cascade check uses too.
  if (isRefusal(generated.text, resolved.citations.length)) {
    return refusal(common.model, 'model-refused', { ...common, droppedCitations: resolved.dropped.length, dropped: resolved.dropped });
  }
  return { answer: resolved.answer, citations: resolved.citations, refused: false, droppedCitations: resolved.dropped.length, dropped: resolved.dropped, ...common };
}
