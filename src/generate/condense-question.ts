import { stemmer } from 'stemmer';
import type { ChatMessage, ChatModel, Usage } from '../models/types.js';
import { zeroUsage } from '../models/types.js';
import { isStopWord, words } from './content-terms.js';

/** Earlier turns the LLM condense step sees: the last three exchanges are what a follow-up refers to. */
export const CONDENSE_MAX_MESSAGES = 6;
/** Characters kept of each turn in the condense prompt (long answers add cost, not meaning). */
export const CONDENSE_MAX_TURN_CHARS = 1000;
/** Salient terms of earlier turns appended to the question for the extractive answerer. */
export const SALIENT_TERM_COUNT = 6;
/** Output cap of the condense call: one question. */
const CONDENSE_MAX_TOKENS = 128;

/** System prompt of the LLM condense step. */
export const CONDENSE_SYSTEM_PROMPT = [
  'Rewrite the follow-up question as one standalone question that can be understood without the conversation.',
  'Resolve pronouns and references using the conversation. Keep names, numbers and terms exactly as written.',
  'Do not answer the question. Reply with the standalone question only.',
].join('\n');

/** A standalone retrieval query and how it was made. */
export interface CondensedQuestion {
  /** The standalone retrieval query. */
  query: string;
  /** `llm`: rewritten by the chat model; `salient-terms`: question plus earlier terms; `none`: no history. */
  method: 'llm' | 'salient-terms' | 'none';
  usage: Usage;
  /** Why the question was kept as asked, when the condense step gave nothing usable. */
  notice?: string;
}

/**
 * The question plus the most salient words of earlier user turns (recent turns weigh more; words
 * already in the question and stop words left out), so a follow-up like "how long does it last?"
 * still retrieves the warranty documents.
 */
export function appendSalientTerms(history: readonly ChatMessage[], question: string, count = SALIENT_TERM_COUNT): string {
  const asked = new Set(words(question).map((word) => stemmer(word)));
  const weights = new Map<string, { word: string; weight: number }>();
  const userTurns = history.filter((message) => message.role === 'user');
  userTurns.forEach((turn, position) => {
    const recency = 1 / (userTurns.length - position); // newest earlier turn weighs 1, the one before 1/2, ...
    for (const word of words(turn.content)) {
      if (word.length < 3 || isStopWord(word) || /^\d+$/.test(word)) continue;
      const stem = stemmer(word);
      if (asked.has(stem)) continue;
      const entry = weights.get(stem) ?? { word, weight: 0 };
      entry.weight += recency;
      weights.set(stem, entry);
    }
  });
  const salient = [...weights.values()].sort((a, b) => b.weight - a.weight).slice(0, count).map((entry) => entry.word);
  return salient.length > 0 ? `${question} ${salient.join(' ')}` : question;
}

function transcript(history: readonly ChatMessage[]): string {
  return history
    .filter((message) => message.role !== 'system')
    .slice(-CONDENSE_MAX_MESSAGES)
    .map((message) => `${message.role === 'user' ? 'User' : 'Assistant'}: ${message.content.slice(0, CONDENSE_MAX_TURN_CHARS)}`)
    .join('\n');
}

/**
 * Turns a follow-up question into a standalone retrieval query. With a generative ChatModel it
 * asks the model to rewrite it (one short call, usage reported); for the extractive answerer or no
 * model, it appends the salient terms of earlier turns. No history: the question as asked.
 * @example await condenseQuestion(history, 'How long does it last?', chatModel)
 */
export async function condenseQuestion(history: readonly ChatMessage[], question: string, chatModel?: ChatModel): Promise<CondensedQuestion> {
  const earlier = history.filter((message) => message.role === 'user' || message.role === 'assistant');
  if (earlier.length === 0) return { query: question, method: 'none', usage: zeroUsage() };
  if (!chatModel || chatModel.provider === 'extractive') {
    return { query: appendSalientTerms(earlier, question), method: 'salient-terms', usage: zeroUsage() };
  }
  const result = await chatModel.generate({
    messages: [
      { role: 'system', content: CONDENSE_SYSTEM_PROMPT, cacheable: true },
      { role: 'user', content: `Conversation:\n${transcript(earlier)}\n\nFollow-up question: ${question}\n\nStandalone question:` },
    ],
    maxTokens: CONDENSE_MAX_TOKENS,
    temperature: 0,
  });
  const query = result.text.trim().replace(/^standalone question:\s*/i, '').replace(/^["“]|["”]$/g, '').trim();
  if (query.length === 0) {
    return { query: question, method: 'llm', usage: result.usage, notice: `${chatModel.id} returned an empty rewrite; using the question as asked` };
  }
  return { query, method: 'llm', usage: result.usage };
}
