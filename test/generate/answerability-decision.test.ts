import { afterAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../src/generate/answer-question.js';
import { loadAnswerabilityModel, type AnswerabilityModel } from '../../src/generate/answerability-model.js';
import { createExtractiveAnswerer } from '../../src/generate/extractive-answerer.js';
import { streamAnswer } from '../../src/generate/stream-answer.js';
import { createTiktokenCounter } from '../../src/generate/tiktoken-counter.js';
import type { ChatModel } from '../../src/models/types.js';
import type { AnswerEvent } from '../../src/generate/answer-types.js';
import { retrieval, RETURNS, WARRANTY } from './chunk-fixtures.js';
import { recordingChatModel } from '../helpers/recording-chat-model.js';

const counter = createTiktokenCounter('o200k_base');
afterAll(() => counter.free());

/** A ChatModel that records every call. */
const recordingModel = () => recordingChatModel('Two years [Source: Acme Warranty Guide, page 4].', { id: 'recording', contextWindow: 8192 });

/** The packaged model with its operating point moved: 1 refuses everything, 0 answers everything. */
function withThreshold(threshold: number): AnswerabilityModel {
  const model = loadAnswerabilityModel('default')!;
  return { ...model, operatingPoint: { ...model.operatingPoint, threshold } };
}

const question = 'How long is the warranty on the Acme X200 drill?';
const base = { question, retrieval: retrieval([WARRANTY, RETURNS]), refusalThreshold: 0.1, tokenCounter: counter };

describe('the answerability decision in the answer path', () => {
  it('under the operating point an LLM answerer is never called: refusal `unanswerable` with the score', async () => {
    const model = recordingModel();
    const result = await answerQuestion({ ...base, chatModel: model, answerability: withThreshold(1) });
    expect(model.calls).toHaveLength(0);
    expect(result).toMatchObject({ refused: true, refusalReason: 'unanswerable', promptTokens: 0 });
    expect(result.answerabilityScore).toBeGreaterThan(0);
    expect(result.answerabilityScore).toBeLessThan(1);
  });

  it('at or above it the LLM is called and its citations are still checked', async () => {
    const model = recordingModel();
    const result = await answerQuestion({ ...base, chatModel: model, answerability: withThreshold(0) });
    expect(model.calls).toHaveLength(1);
    expect(result.refused).toBe(false);
    expect(result.citations).toHaveLength(1);
    expect(typeof result.answerabilityScore).toBe('number');
  });

  it('streams the same refusal', async () => {
    const events: AnswerEvent[] = [];
    for await (const event of streamAnswer({ ...base, chatModel: createExtractiveAnswerer(), answerability: withThreshold(1) })) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: 'done', refused: true, refusalReason: 'unanswerable' });
  });

  it('the extractive answerer answers as before without a model, and carries the score with one', async () => {
    const without = await answerQuestion({ ...base, chatModel: createExtractiveAnswerer() });
    const withModel = await answerQuestion({ ...base, chatModel: createExtractiveAnswerer(), answerability: withThreshold(0) });
    expect(without.answerabilityScore).toBeUndefined();
    expect(without.answer).toMatch(/two-year limited warranty/);
    expect(withModel.answer).toMatch(/two-year limited warranty/);
    expect(withModel.answerabilityScore).toBeGreaterThan(0.5);
  });
});
