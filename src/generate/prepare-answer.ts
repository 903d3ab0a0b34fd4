import { chunkReference } from './citation-types.js';
import { ConfigError, InputError } from '../errors.js';
import type { GenerateRequest } from '../models/types.js';
import type { RetrievedChunk } from '../retrieve/types.js';
import type { AnswerDecision, AnswerQuestionInput, AnswerSource } from './answer-types.js';
import { buildPrompt, type BuiltPrompt } from './build-prompt.js';
import { appendSalientTerms } from './condense-question.js';
import { isExtractiveAnswerer, type ExtractiveAnswerer } from './extractive-answerer.js';
import { DEFAULT_MAX_CONTEXT_TOKENS, DEFAULT_MAX_OUTPUT_TOKENS, DEFAULT_TEMPERATURE } from './generate-options.js';
import type { RefusalReason } from './refusal.js';
import { decideAnswerability, extractiveOverrides } from './answerability-model.js';
import type { ExtractiveOptions } from './answer-extractively.js';

/** What answerQuestion and streamAnswer do for one request, decided before any model call. */
export type AnswerPlan = (
  | { kind: 'refuse'; reason: RefusalReason; prompt?: BuiltPrompt }
  | { kind: 'extractive'; prompt: BuiltPrompt; model: ExtractiveAnswerer; question: string; chunks: RetrievedChunk[]; overrides?: ExtractiveOptions }
  | { kind: 'generate'; prompt: BuiltPrompt; request: GenerateRequest }
) & { answerabilityScore?: number };

/** The documents of a prompt as `sources` for clients. */
export function sourcesOf(prompt: BuiltPrompt | undefined): AnswerSource[] {
  return (prompt?.context ?? []).map((document) => ({
    contextIndex: document.index,
    ...chunkReference(document.chunk),
    score: document.chunk.score,
    label: document.label,
    truncated: document.truncated,
  }));
}

export type { AnswerDecision } from './answer-types.js';

/** Validates the question and threshold, then decides answer or refuse (no prompt, no model call). */
export function decideAnswer(input: Pick<AnswerQuestionInput, 'question' | 'retrieval' | 'refusalThreshold' | 'answerability'>): AnswerDecision {
  const { question, retrieval, refusalThreshold } = input;
  if (typeof question !== 'string' || question.trim().length === 0) throw new InputError('question', 'must be a non-empty string');
  if (!Number.isFinite(refusalThreshold) || refusalThreshold < 0 || refusalThreshold > 1) {
    throw new InputError('refusalThreshold', `must be a number in [0, 1], got ${refusalThreshold}`);
  }
  if (retrieval.chunks.length === 0) return { kind: 'refuse', reason: 'no-context' };
  if (!(retrieval.confidence >= refusalThreshold)) return { kind: 'refuse', reason: 'low-confidence' };
  if (!input.answerability) return { kind: 'answer' };
  const decision = decideAnswerability(input.answerability, question, retrieval.chunks, retrieval.confidence);
  return decision.answer ? { kind: 'answer', answerabilityScore: decision.score } : { kind: 'refuse', reason: 'unanswerable', answerabilityScore: decision.score };
}

/**
 * Decides (or takes `input.decision`, made earlier by the caller): refuse (no prompt, no model
 * call), answer extractively from the packed chunks, or call the chat model.
 */
export function prepareAnswer(input: AnswerQuestionInput): AnswerPlan {
  const { question, retrieval, chatModel } = input;
  const decision = input.decision ?? decideAnswer(input);
  if (decision.kind === 'refuse') {
    return decision.answerabilityScore === undefined ? { kind: 'refuse', reason: decision.reason } : { kind: 'refuse', reason: decision.reason, answerabilityScore: decision.answerabilityScore };
  }
  const answerabilityScore = decision.answerabilityScore;
  const scored = answerabilityScore === undefined ? {} : { answerabilityScore };

  const maxOutputTokens = input.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  const budget = Math.min(input.maxContextTokens ?? DEFAULT_MAX_CONTEXT_TOKENS, chatModel.contextWindow - maxOutputTokens);
  if (budget <= 0) {
    throw new ConfigError('generate.maxOutputTokens', maxOutputTokens, `less than the context window of ${chatModel.id} (${chatModel.contextWindow} tokens)`);
  }
  const prompt = buildPrompt({
    question,
    chunks: retrieval.chunks,
    history: input.history,
    tokenCounter: input.tokenCounter,
    maxPromptTokens: budget,
    historyShare: input.historyShare,
    fence: input.fence,
  });
  if (prompt.context.length === 0) return { kind: 'refuse', reason: 'no-context', prompt, ...scored };
  if (isExtractiveAnswerer(chatModel)) {
    const history = input.history ?? [];
    return {
      ...scored,
      // The model has decided to answer: the coverage floor only keeps off-topic sentences out.
      ...(answerabilityScore === undefined ? {} : { overrides: extractiveOverrides(answerabilityScore) }),
      kind: 'extractive',
      prompt,
      model: chatModel,
      // A follow-up ("how long does it last?") names its topic only in earlier turns.
      question: history.length > 0 ? appendSalientTerms(history, question) : question,
      // A chunk cut to fit the budget no longer ends where its `after` edge begins: that edge is unknown.
      chunks: prompt.context.map((document) => ({
        ...document.chunk,
        text: document.text,
        ...(document.truncated && document.chunk.edges ? { edges: { before: document.chunk.edges.before } } : {}),
      })),
    };
  }
  return {
    ...scored,
    kind: 'generate',
    prompt,
    request: { messages: prompt.messages, maxTokens: maxOutputTokens, temperature: input.temperature ?? DEFAULT_TEMPERATURE, signal: input.signal },
  };
}
