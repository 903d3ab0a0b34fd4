import { describe, expect, it } from 'vitest';
import { answerQuestion } from '../../src/generate/answer-question.js';
import { isRefusal, REFUSAL_TEXT } from '../../src/generate/refusal.js';
import type { ChatModel } from '../../src/models/chat/chat-model.js';
import { createEstimatingCounter } from '../../src/models/tokens/estimating-counter.js';
import { checkAnswer } from '../../src/router/answer-check.js';
import { createMemoryCostLedger } from '../../src/router/cost-ledger.js';
import { createRouter } from '../../src/router/create-router.js';
import { routerOptionsSchema } from '../../src/router/router-options.js';
import { recordingChatModel } from '../helpers/recording-chat-model.js';
import { createFakeClock } from '../router/helpers/fake-clock.js';
import { RETURNS, retrieval, WARRANTY } from './chunk-fixtures.js';

const CITED = '"The Acme X200 drill comes with a two-year limited warranty." [Source: Acme Warranty Guide, page 4]';
/** What models say, and whether it is a refusal (the answerer and the cascade must both say so). */
const ANSWERS: Array<[text: string, refusal: boolean]> = [
  [REFUSAL_TEXT, true],
  ['  “I don’t have enough information”  ', true],
  ["I don't have enough information. The documents only cover returns.", true],
  ['I cannot find the restocking fee in the documents.', true],
  ['The provided context does not mention a restocking fee.', true],
  ['', true],
  [CITED, false],
  [`${CITED} The documents do not mention batteries.`, false],
  ['Two years, as far as I know.', false],
];

const SMALL = 'openai:gpt-4o-mini';
const LARGE = 'openai:gpt-4o';
const placeholder = (id: string): ChatModel => ({ ...recordingChatModel('unused', { id }), provider: 'openai' });
const counter = createEstimatingCounter();

/** The ask path in small: the answerer answers inside the router's cascade, which checks what it returns (src/app/ask.ts). */
async function askThroughCascade(modelAnswer: string, retrievalConfidence: number) {
  const chunks = retrieval([WARRANTY, RETURNS], retrievalConfidence);
  const router = createRouter({
    models: [placeholder(SMALL), placeholder(LARGE)],
    policy: { kind: 'cascade', models: [SMALL, LARGE] },
    ledger: createMemoryCostLedger(),
    clock: createFakeClock(),
    options: routerOptionsSchema.parse({}),
  });
  return router.answer({ tenant: 't', inputTokens: 1000, route: 'ask' }, async (_model, context) => {
    const result = await answerQuestion({ question: 'How long is the drill warranty?', retrieval: chunks, chatModel: recordingChatModel(modelAnswer), refusalThreshold: 0.05, tokenCounter: counter, signal: context.signal });
    return {
      ...result,
      check: {
        answer: result.answer,
        citations: result.citations.map((c) => ({ sourceId: String(c.chunkId), quote: c.quote })),
        context: chunks.chunks.map((c) => ({ id: String(c.chunkId), text: c.text })),
        retrievalConfidence: chunks.confidence,
      },
    };
  });
}

describe('one refusal detector for the answerer and the cascade', () => {
  it.each(ANSWERS)('judges %j alike', async (text, refusal) => {
    const answered = await answerQuestion({ question: 'How long is the drill warranty?', retrieval: retrieval([WARRANTY, RETURNS], 0.4), chatModel: recordingChatModel(text), refusalThreshold: 0.05, tokenCounter: counter });
    expect(answered.refused).toBe(refusal);
    if (refusal) expect(answered.refusalReason).toBe('model-refused');

    // The cascade's check over the model's own text and the citations the answerer resolved from it.
    const cited = answered.refused ? [] : answered.citations.map((c) => ({ sourceId: String(c.chunkId), quote: c.quote }));
    const context = [WARRANTY, RETURNS].map((c) => ({ id: String(c.chunkId), text: c.text }));
    expect(checkAnswer({ answer: text, citations: cited, context, retrievalConfidence: 0.4 }, routerOptionsSchema.parse({}).cascade).refused).toBe(refusal);
    expect(isRefusal(text, cited.length)).toBe(refusal);

    // And through the router: the first cascade step's check sees what the answerer reported.
    const routed = await askThroughCascade(text, 0.4);
    expect(routed.decision.steps[0]!.check?.refused).toBe(refusal);
    expect(routed.result.refused).toBe(refusal);
  });

  it('a refusal under low retrieval confidence passes the cascade on the first model; under high confidence it escalates', async () => {
    const low = await askThroughCascade(REFUSAL_TEXT, 0.2);
    expect(low.decision.steps.map((step) => step.model)).toEqual([SMALL]);
    expect(low.decision.steps[0]!.check).toMatchObject({ pass: true, refused: true });
    const high = await askThroughCascade(REFUSAL_TEXT, 0.9);
    expect(high.decision.steps.map((step) => [step.model, step.outcome])).toEqual([
      [SMALL, 'check-failed'],
      [LARGE, 'ok'],
    ]);
  });
});
