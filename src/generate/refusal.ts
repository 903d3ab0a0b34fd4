/** The exact refusal sentence, shared by the prompt, the extractive answerer and the checks. */
export const REFUSAL_TEXT = "I don't have enough information.";

/** Why an answer was refused. */
/** `unanswerable`: the answer-or-refuse model (generate.answerability) scored the question under its operating point. */
export type RefusalReason = 'no-context' | 'low-confidence' | 'unanswerable' | 'no-supporting-sentence' | 'model-refused';

/**
 * True when a model's answer is the refusal (allowing curly apostrophes, a missing period, and
 * surrounding whitespace or quotes), so a refusal is reported as `refused`, not as an answer.
 */
export function isRefusal(answer: string): boolean {
  const normalized = normalize(answer);
  const refusal = REFUSAL_TEXT.toLowerCase();
  return normalized === refusal || normalized === refusal.slice(0, -1);
}

/**
 * True when an answer opens with the refusal ("I don't have enough information. The documents only
 * cover returns."): counted as a refusal when it cites nothing in the context.
 */
export function startsWithRefusal(answer: string): boolean {
  return normalize(answer).startsWith(REFUSAL_TEXT.toLowerCase().slice(0, -1));
}

function normalize(answer: string): string {
  return answer
    .trim()
    .replace(/[’‘`]/g, "'")
    .replace(/^["'“”]+|["'“”]+$/g, '')
    .trim()
    .toLowerCase();
}
