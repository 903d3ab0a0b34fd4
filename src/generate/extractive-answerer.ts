import { InputError } from '../errors.js';
import type { ChatModel, GenerateRequest, GenerateResult, StreamEvent } from '../models/types.js';
import { zeroUsage } from '../models/types.js';
import type { RetrievedChunk } from '../retrieve/types.js';
import { answerExtractively, type ExtractiveAnswer, type ExtractiveOptions } from './answer-extractively.js';
import { parseFencedDocuments } from './fence.js';
import { REFUSAL_TEXT } from './refusal.js';

/**
 * The context budget the extractive answerer packs to. It reads every sentence it is given, so this
 * is a cost bound (sentences scored per request), not a model limit.
 */
export const EXTRACTIVE_CONTEXT_WINDOW = 16_384;

/** A ChatModel that quotes and cites sentences of the context; also answers from structured chunks. */
export interface ExtractiveAnswerer extends ChatModel {
  readonly provider: 'extractive';
  /**
   * Answers from the chunks themselves (the path answerQuestion takes; no prompt parsing).
   * `overrides` replace the answerer's options for this call (the answerability decision lowers `minCoverage`).
   */
  answerFromContext(question: string, chunks: readonly RetrievedChunk[], overrides?: ExtractiveOptions): ExtractiveAnswer;
}

/** True when a ChatModel is the extractive answerer (answerQuestion then skips prompt text). */
export function isExtractiveAnswerer(model: ChatModel): model is ExtractiveAnswerer {
  return model.provider === 'extractive' && typeof (model as Partial<ExtractiveAnswerer>).answerFromContext === 'function';
}

function chunksFromPrompt(promptText: string): RetrievedChunk[] {
  return parseFencedDocuments(promptText).map((document) => ({
    chunkId: document.index,
    documentId: document.index,
    externalId: document.source,
    documentVersion: 1,
    source: document.source,
    title: document.title,
    text: document.text,
    ordinal: 0,
    page: document.page,
    headingPath: [],
    metadata: {},
    score: 0,
    scores: {},
  }));
}

function questionFromPrompt(promptText: string): string {
  const marker = promptText.lastIndexOf('\nQuestion: ');
  return marker >= 0 ? promptText.slice(marker + '\nQuestion: '.length).trim() : promptText.trim();
}

/**
 * The offline default answerer, as a ChatModel: free (zero usage), deterministic, and it refuses
 * rather than guess. Called through `generate`, it reads the fenced documents and the question from
 * a prompt built by buildPrompt; answerQuestion calls `answerFromContext` with the chunks directly.
 * @example const model = createExtractiveAnswerer({ maxSentences: 2 });
 */
export function createExtractiveAnswerer(options: ExtractiveOptions = {}): ExtractiveAnswerer {
  const answerFromContext = (question: string, chunks: readonly RetrievedChunk[], overrides: ExtractiveOptions = {}) => answerExtractively(question, chunks, { ...options, ...overrides });
  const generate = async (request: GenerateRequest): Promise<GenerateResult> => {
    if (request.tools && request.tools.length > 0) throw new InputError('tools', 'the extractive answerer cannot call tools');
    request.signal?.throwIfAborted();
    const lastUser = [...request.messages].reverse().find((message) => message.role === 'user');
    if (!lastUser) throw new InputError('messages', 'needs a user message');
    const chunks = chunksFromPrompt(lastUser.content);
    const text = chunks.length === 0 ? REFUSAL_TEXT : answerFromContext(questionFromPrompt(lastUser.content), chunks).text;
    return { text, usage: zeroUsage(), model: 'extractive', finishReason: 'stop' };
  };
  return {
    id: 'extractive',
    provider: 'extractive',
    contextWindow: EXTRACTIVE_CONTEXT_WINDOW,
    supportsTools: false,
    answerFromContext,
    generate,
    async *stream(request: GenerateRequest): AsyncIterable<StreamEvent> {
      const result = await generate(request);
      for (const piece of result.text.match(/\S+\s*/g) ?? []) yield { type: 'token', text: piece };
      yield { type: 'done', result };
    },
  };
}
