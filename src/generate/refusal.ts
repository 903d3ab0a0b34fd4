/**
 * The one refusal detector. The answerer (answerQuestion, streamAnswer) and the router's cascade
 * (checkAnswer) both judge a model's answer with isRefusal, so an answer the answerer reports as
 * refused is the answer the cascade sees as refused, and the other way round.
 */

/** The exact refusal sentence, shared by the prompt, the extractive answerer and the checks. */
export const REFUSAL_TEXT = "I don't have enough information.";

/** Why an answer was refused. */
/** `unanswerable`: the answer-or-refuse model (generate.answerability) scored the question under its operating point. */
export type RefusalReason = 'no-context' | 'low-confidence' | 'unanswerable' | 'no-supporting-sentence' | 'model-refused';

/**
 * Wordings models use to decline besides REFUSAL_TEXT (matched on the normalized answer: straight
 * apostrophes, lower case). They count only in an answer that cites nothing: "The policy covers
 * returns [1]; the documents do not mention exchanges." is a partial answer, not a refusal.
 */
export const REFUSAL_PATTERNS: readonly RegExp[] = [
  /\b(i|we) (do not|don't|cannot|can't|could not|couldn't) (know|find|answer|determine|say)\b/,
  /\b(i|we) (do not|don't) have (enough|sufficient) (information|context|evidence)\b/,
  /\b(not|no) (enough|sufficient) (information|context|evidence)\b/,
  /\b(the )?(provided |given )?(context|documents?|sources?) (do|does) not (contain|mention|say|include)\b/,
  /\bunable to (answer|find|determine)\b/,
  /\bno relevant (information|documents?)\b/,
];

/**
 * True when a model's answer is a refusal: empty; the refusal sentence itself (allowing curly
 * apostrophes, a missing period, surrounding whitespace or quotes); or, when it cites nothing
 * (`citations` = 0, the default), an answer that opens with the refusal sentence ("I don't have
 * enough information. The documents only cover returns.") or declines in a common wording
 * (REFUSAL_PATTERNS). Pass the number of citations the answer makes to the context.
 * @example isRefusal("I don't know based on the documents.") // true
 * @example isRefusal('Returns take 30 days [1]. The documents do not mention exchanges.', 1) // false
 */
export function isRefusal(answer: string, citations = 0): boolean {
  const normalized = normalize(answer);
  const refusal = REFUSAL_TEXT.toLowerCase();
  if (normalized === '' || normalized === refusal || normalized === refusal.slice(0, -1)) return true;
  if (citations > 0) return false;
  return normalized.startsWith(refusal.slice(0, -1)) || REFUSAL_PATTERNS.some((pattern) => pattern.test(normalized));
}

/**
 * True when an answer opens with the refusal sentence.
 * @deprecated isRefusal(answer, citations) is the one decision; this is its opening test alone.
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
