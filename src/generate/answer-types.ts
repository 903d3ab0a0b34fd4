import type { TokenCounter } from '../models/tokens/token-counter.js';
import type { ChatMessage, ChatModel, Usage } from '../models/types.js';
import type { RetrieveResult } from '../retrieve/types.js';
import type { ChunkReference, Citation, DroppedCitation } from './citation-types.js';
import type { AnswerabilityModel } from './answerability-model.js';
import type { RefusalReason } from './refusal.js';

/** A document given to the model, as reported to clients before the answer (the `sources` event). */
export interface AnswerSource extends ChunkReference {
  contextIndex: number;
  score: number;
  /** The citation label the model was told to use. */
  label: string;
  /** True when trailing sentences were left out to fit the budget. */
  truncated: boolean;
}

/**
 * The answer-or-refuse decision, made before any model is chosen: refuse when there are no chunks,
 * the retriever's confidence is under the threshold, or an answerability model scores the question
 * under its operating point. It reads the question and the retrieval only, so it is the same
 * whichever answerer the router picks afterwards.
 */
export type AnswerDecision = { kind: 'refuse'; reason: RefusalReason; answerabilityScore?: number } | { kind: 'answer'; answerabilityScore?: number };

/** Input of answerQuestion and streamAnswer. */
export interface AnswerQuestionInput {
  question: string;
  /** Earlier turns, oldest first (user and assistant). */
  history?: readonly ChatMessage[];
  retrieval: RetrieveResult;
  chatModel: ChatModel;
  /** Retriever confidence in [0, 1] below which the answer is the refusal, with no model call. */
  refusalThreshold: number;
  /** Build once per process (createTiktokenCounter) and share. */
  tokenCounter: TokenCounter;
  /** Prompt budget; the model's window minus maxOutputTokens caps it further. */
  maxContextTokens?: number;
  maxOutputTokens?: number;
  temperature?: number;
  historyShare?: number;
  signal?: AbortSignal;
  /** Pins the fence token (tests); a random one per request otherwise. */
  fence?: string;
  /** The answer-or-refuse model (generate.answerability); without it the decision is the threshold and the answerer's own. */
  answerability?: AnswerabilityModel;
  /** The answer-or-refuse decision when the caller made it already (decideAnswer); made here otherwise. */
  decision?: AnswerDecision;
}

/** A checked answer: text, citations, refusal and cost. */
export interface AnswerResult {
  /** The answer (dropped citation markers removed), or exactly the refusal sentence. */
  answer: string;
  citations: Citation[];
  refused: boolean;
  refusalReason?: RefusalReason;
  usage: Usage;
  /** Citations to anything not in the context, removed from the answer. */
  droppedCitations: number;
  dropped: DroppedCitation[];
  /** The answering model's id (`extractive`, `openai:gpt-4o-mini`, ...). */
  model: string;
  /** Documents the model was given (empty when refused before the model). */
  sources: AnswerSource[];
  /** Prompt tokens by our counter (0 when refused before building a prompt). */
  promptTokens: number;
  /** The answer-or-refuse model's calibrated P(answerable); absent when no model decided. */
  answerabilityScore?: number;
}

/** Events of a streamed answer, in this order: sources, token..., citations, usage, done. */
export type AnswerEvent =
  | { type: 'sources'; sources: AnswerSource[] }
  | { type: 'token'; text: string }
  | { type: 'citations'; citations: Citation[]; droppedCitations: number; dropped: DroppedCitation[]; answer: string }
  | { type: 'usage'; usage: Usage }
  | {
      type: 'done';
      refused: boolean;
      refusalReason?: RefusalReason;
      model: string;
      answer: string;
      /** Added by the ask-stream use case: the request's id, its stage timings (ms) and the cache outcome. */
      requestId?: string;
      timings?: { [stage: string]: number | Record<string, number> };
      cache?: { hit: boolean; layer: 'exact' | 'semantic' | null; similarity: number | null };
      answerabilityScore?: number;
      costUsd?: number;
      confidence?: number;
    };
