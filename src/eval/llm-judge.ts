import { z } from 'zod';
import { InputError } from '../errors.js';
import type { ChatMessage, ChatModel } from '../models/types.js';

/** Judgments per item by default: 3 is the smallest odd number that gives a majority and an agreement rate. */
export const DEFAULT_JUDGE_REPEATS = 3;

/** One item's votes: per judged unit (sentence, or the single answer), a verdict per valid repeat. */
export interface JudgedItem {
  /** Majority verdict per unit (ties resolve to false: unsupported until shown otherwise). */
  verdicts: boolean[];
  /** Share of units judged true by majority; undefined when no repeat produced a valid response. */
  score: number | undefined;
  /** Mean over units of the share of valid votes agreeing with the majority, in [0.5, 1]. */
  agreement: number | undefined;
  /** Repeats whose response could not be parsed (excluded from the votes, never guessed). */
  invalidResponses: number;
  repeats: number;
}

export interface LlmJudgeOptions {
  model: ChatModel;
  repeats?: number;
  /** Sampling temperature for the judge; > 0 so that repeats are independent draws (default 0.7). */
  temperature?: number;
}

/** An LLM judge for groundedness and correctness that judges every item `repeats` times. */
export interface LlmJudge {
  judgeGroundedness(input: { sentences: readonly string[]; context: readonly string[] }): Promise<JudgedItem>;
  judgeCorrectness(input: { question: string; answer: string; reference: string }): Promise<JudgedItem>;
}

const groundednessResponse = z.object({ verdicts: z.array(z.boolean()) });
const correctnessResponse = z.object({ correct: z.boolean() });

/**
 * Builds an LLM judge on any ChatModel. The judge must answer with one JSON object
 * (`{"verdicts":[...]}` or `{"correct":...}`); anything else counts as an invalid response.
 */
export function createLlmJudge(options: LlmJudgeOptions): LlmJudge {
  const repeats = options.repeats ?? DEFAULT_JUDGE_REPEATS;
  if (!Number.isInteger(repeats) || repeats < 1) throw new InputError('repeats', `must be a positive integer, got ${repeats}`);
  const temperature = options.temperature ?? 0.7;

  async function collect(messages: ChatMessage[], units: number, parse: (value: unknown) => boolean[] | undefined): Promise<JudgedItem> {
    const votes: boolean[][] = [];
    let invalidResponses = 0;
    for (let r = 0; r < repeats; r += 1) {
      const result = await options.model.generate({ messages, temperature, maxTokens: 512 });
      const parsed = parse(extractJson(result.text));
      if (parsed === undefined || parsed.length !== units) invalidResponses += 1;
      else votes.push(parsed);
    }
    return tally(votes, units, invalidResponses, repeats);
  }

  return {
    judgeGroundedness({ sentences, context }) {
      const messages: ChatMessage[] = [
        { role: 'system', content: GROUNDEDNESS_PROMPT, cacheable: true },
        {
          role: 'user',
          content: `CONTEXT:\n${context.map((passage, i) => `[${i + 1}] ${passage}`).join('\n\n')}\n\nSTATEMENTS:\n${sentences.map((s, i) => `${i + 1}. ${s}`).join('\n')}`,
        },
      ];
      return collect(messages, sentences.length, (value) => groundednessResponse.safeParse(value).data?.verdicts);
    },
    judgeCorrectness({ question, answer, reference }) {
      const messages: ChatMessage[] = [
        { role: 'system', content: CORRECTNESS_PROMPT, cacheable: true },
        { role: 'user', content: `QUESTION: ${question}\nREFERENCE ANSWER: ${reference}\nCANDIDATE ANSWER: ${answer}` },
      ];
      return collect(messages, 1, (value) => {
        const data = correctnessResponse.safeParse(value).data;
        return data === undefined ? undefined : [data.correct];
      });
    },
  };
}

/** Mean agreement over judged items that have one (the judge's overall agreement rate). */
export function judgeAgreementRate(items: readonly JudgedItem[]): number | undefined {
  const rates = items.map((item) => item.agreement).filter((rate): rate is number => rate !== undefined);
  return rates.length === 0 ? undefined : rates.reduce((sum, rate) => sum + rate, 0) / rates.length;
}

/** How one judged quantity went over a run: judged items, agreement, invalid responses. */
export interface JudgeSummary {
  /** Items with at least one valid judgment (they have a judge score). */
  judged: number;
  /** Items every repeat of which was invalid (no score: never guessed). */
  unjudged: number;
  /** Mean agreement over judged items (`judgeAgreementRate`); undefined when none was judged. */
  agreementRate: number | undefined;
  /** Judged items on which every valid repeat agreed on every unit. */
  unanimous: number;
  invalidResponses: number;
  /** Judge calls made (items x repeats). */
  calls: number;
}

/** Sums up the judged items of one quantity (groundedness or correctness) over a run. */
export function summarizeJudgments(items: readonly JudgedItem[]): JudgeSummary {
  const judged = items.filter((item) => item.score !== undefined);
  return {
    judged: judged.length,
    unjudged: items.length - judged.length,
    agreementRate: judgeAgreementRate(items),
    unanimous: judged.filter((item) => item.agreement === 1).length,
    invalidResponses: items.reduce((sum, item) => sum + item.invalidResponses, 0),
    calls: items.reduce((sum, item) => sum + item.repeats, 0),
  };
}

function tally(votes: boolean[][], units: number, invalidResponses: number, repeats: number): JudgedItem {
  if (votes.length === 0) return { verdicts: [], score: undefined, agreement: undefined, invalidResponses, repeats };
  const verdicts: boolean[] = [];
  let agreementSum = 0;
  for (let unit = 0; unit < units; unit += 1) {
    const yes = votes.filter((vote) => vote[unit]).length;
    const majority = yes * 2 > votes.length;
    verdicts.push(majority);
    agreementSum += Math.max(yes, votes.length - yes) / votes.length;
  }
  return {
    verdicts,
    score: units === 0 ? undefined : verdicts.filter(Boolean).length / units,
    agreement: units === 0 ? undefined : agreementSum / units,
    invalidResponses,
    repeats,
  };
}

/** The first {...} block of a response (judges often wrap JSON in prose or code fences). */
function extractJson(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end <= start) return undefined;
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
}

const GROUNDEDNESS_PROMPT =
  'You check whether statements are supported by a context. A statement is supported only if the context states it or ' +
  'it follows directly from the context; outside knowledge does not count. Reply with JSON only: ' +
  '{"verdicts": [true or false for each statement, in order]}.';

const CORRECTNESS_PROMPT =
  'You grade a candidate answer against a reference answer. The candidate is correct if it gives the same facts as the ' +
  'reference (wording may differ; extra correct detail is fine; any contradiction or missing key fact is incorrect). ' +
  'Reply with JSON only: {"correct": true or false}.';
