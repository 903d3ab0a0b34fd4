/** What the answerer gets for one request under the configuration: shared by ask and ask-stream. */
import type { AnswerQuestionInput } from '../generate/answer-types.js';
import type { AnswerDecision } from '../generate/prepare-answer.js';
import type { RetrieveResult } from '../retrieve/types.js';
import type { Components } from './components.js';
import type { AskRequest } from './types.js';

export function answerInput(components: Components, request: AskRequest, retrieval: RetrieveResult, decision: AnswerDecision): AnswerQuestionInput {
  const { config } = components;
  return {
    question: request.question,
    history: request.history,
    retrieval,
    chatModel: components.chatModel,
    refusalThreshold: request.refusalThreshold ?? config.generate.refusalThreshold,
    tokenCounter: components.promptCounter,
    maxContextTokens: config.generate.maxContextTokens,
    maxOutputTokens: config.generate.maxOutputTokens,
    temperature: config.generate.temperature,
    historyShare: config.generate.historyShare,
    signal: request.signal,
    answerability: components.answerability,
    decision,
  };
}

/** Whether an answer to this request may come from (and go to) the cache. */
export function cacheable(components: Components, request: AskRequest): boolean {
  // Multi-turn answers depend on the history, and an overridden threshold changes the answer.
  return components.config.cache.enabled && !(request.history && request.history.length > 0) && request.refusalThreshold === undefined;
}

/** The cache scope of a request: what must be equal besides the question. */
export function cacheScope(components: Components, tenant: string, request: AskRequest, promptTemplateVersion: string) {
  return {
    tenant,
    answerConfigHash: components.answerConfigHash,
    promptTemplateVersion,
    retrievalMode: request.mode ?? components.config.retrieve.mode,
    filters: request.filters ?? [],
  };
}
