import { describe, expect, it } from 'vitest';
import { createLlmJudge, judgeAgreementRate, summarizeJudgments } from '../../src/eval/llm-judge.js';
import type { ChatModel, GenerateRequest } from '../../src/models/types.js';

/** A ChatModel that replays scripted responses and records the requests it got. */
function scriptedModel(responses: string[]): ChatModel & { requests: GenerateRequest[] } {
  const requests: GenerateRequest[] = [];
  let next = 0;
  return {
    id: 'scripted',
    provider: 'test',
    contextWindow: 8192,
    supportsTools: false,
    requests,
    async generate(request) {
      requests.push(request);
      const text = responses[next++];
      if (text === undefined) throw new Error('no scripted response left');
      return { text, usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0 }, model: 'scripted' };
    },
    async *stream() {
      throw new Error('not used');
    },
  };
}

describe('LLM judge', () => {
  it('judges groundedness n times, takes the majority per sentence and reports agreement', async () => {
    const model = scriptedModel(['{"verdicts":[true,false]}', 'Sure: ```json\n{"verdicts":[true,true]}\n```', '{"verdicts":[true,false]}']);
    const judge = createLlmJudge({ model, repeats: 3 });
    const item = await judge.judgeGroundedness({ sentences: ['A is 1.', 'B is 2.'], context: ['A is 1.'] });
    expect(model.requests).toHaveLength(3);
    expect(model.requests[0].messages[1].content).toContain('[1] A is 1.');
    expect(item.verdicts).toEqual([true, false]);
    expect(item.score).toBe(0.5);
    expect(item.agreement).toBeCloseTo((1 + 2 / 3) / 2, 10);
    expect(item.invalidResponses).toBe(0);
  });

  it('counts unparseable or wrong-length responses as invalid instead of guessing', async () => {
    const model = scriptedModel(['I think yes', '{"correct": true}', '{"verdicts":[true]}']);
    const judge = createLlmJudge({ model, repeats: 3 });
    const item = await judge.judgeCorrectness({ question: 'Q?', answer: 'EUR 60', reference: 'EUR 60 per day' });
    expect(item).toMatchObject({ verdicts: [true], score: 1, agreement: 1, invalidResponses: 2 });
    const none = await createLlmJudge({ model: scriptedModel(['nope']), repeats: 1 }).judgeCorrectness({ question: 'Q', answer: 'a', reference: 'b' });
    expect(none.score).toBeUndefined();
    expect(judgeAgreementRate([item, none])).toBe(1);
    expect(() => createLlmJudge({ model, repeats: 0 })).toThrow(/repeats/);
  });

  it('summarizes a run of judged items: judged, unjudged, unanimous, invalid responses, calls', () => {
    const item = (agreement: number | undefined, invalidResponses: number) => ({ verdicts: [], score: agreement === undefined ? undefined : 1, agreement, invalidResponses, repeats: 3 });
    expect(summarizeJudgments([item(1, 0), item(2 / 3, 0), item(undefined, 3), item(1, 1)])).toEqual({
      judged: 3,
      unjudged: 1,
      agreementRate: (1 + 2 / 3 + 1) / 3,
      unanimous: 2,
      invalidResponses: 4,
      calls: 12,
    });
    expect(summarizeJudgments([])).toMatchObject({ judged: 0, agreementRate: undefined, calls: 0 });
  });
});
