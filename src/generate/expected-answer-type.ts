import { extractQuantities } from '../cache/guards/extract-quantities.js';
import { ORDINAL_WORDS } from '../cache/guards/number-words.js';
import { tokenizeQuestion } from '../cache/guards/question-tokens.js';
import { words } from './content-terms.js';

/** What kind of answer a question asks for. */
export type AnswerType = 'quantity' | 'date' | 'person-or-organisation' | 'place' | 'duration';

/**
 * Question openings and the answer type they expect, first match wins (so "how long" is a
 * duration before "how" anything else). Open questions (what, which, why, how to) expect none.
 */
const QUESTION_TYPES: ReadonlyArray<readonly [RegExp, AnswerType]> = [
  [/\bhow long\b|\bfor how many (?:seconds|minutes|hours|days|weeks|months|years)\b/i, 'duration'],
  [/\bhow (?:many|much)\b|\bwhat (?:percentage|percent|proportion|share|number|amount)\b/i, 'quantity'],
  [/\bwhen\b|\b(?:what|which) (?:year|date|day|month|decade|century|time)\b|\bwhat time\b|\bin what year\b/i, 'date'],
  [/^\s*(?:who|whom|whose)\b|\b(?:who|whom)\b(?! else)/i, 'person-or-organisation'],
  [/\bwhere\b|\b(?:what|which|in what|in which) (?:city|country|state|town|place|region|continent|province|county|location)\b/i, 'place'],
];

/**
 * The answer type a question expects (how many/much: a quantity; when/what year: a date or time;
 * who: a person or organisation; where: a place; how long: a duration), or undefined for open
 * questions.
 * @example expectedAnswerType('How many books may a member borrow?') // 'quantity'
 */
export function expectedAnswerType(question: string): AnswerType | undefined {
  // The question's first interrogative decides: "What areas did she compete in when young?" is open.
  let best: { index: number; type: AnswerType | undefined } | undefined;
  for (const [pattern, type] of [...QUESTION_TYPES, [OPEN_QUESTION, undefined] as const]) {
    const match = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(question);
    if (match && (best === undefined || match.index < best.index)) best = { index: match.index, type };
  }
  return best?.type;
}

/** Interrogatives that expect no particular type: what, which, why, how (to). */
const OPEN_QUESTION = /\b(?:what|which|why|how)\b/i;

const MONTHS = 'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec';
const DATE_WORDS = new RegExp(
  [
    `\\b(?:${MONTHS})\\b`,
    '\\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekday|weekend|weekends|today|tomorrow|yesterday|tonight)\\b',
    '\\b(?:morning|afternoon|evening|night|midnight|noon|dawn|dusk|daily|weekly|monthly|quarterly|annually|yearly|nightly)\\b',
    '\\b(?:spring|summer|autumn|fall|winter|season|century|centuries|decade|era|period|age|dynasty|reign|war|quarter|q[1-4])\\b',
    '\\b(?:before|after|during|until|since|by|within|once|when|whenever|while|prior|immediately|then|later|earlier|ago|first|last|next|previous|every|each)\\b',
    '\\b\\d{1,2}:\\d{2}\\b|\\b\\d{1,4}(?:s|st|nd|rd|th)?\\b|\\b(?:am|pm|a\\.m\\.|p\\.m\\.|utc|gmt|bc|bce|ad|ce)\\b',
  ].join('|'),
  'i',
);
const DURATION_WORDS =
  /\b(?:seconds?|minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|years?|decades?|centuries|century|quarters?|semesters?|terms?|lifetime|indefinitely|permanently|forever|until|overnight|long|briefly|ms|s|min|mins|hrs?|yrs?)\b/i;
const QUANTITY_WORDS =
  /\b(?:free|unlimited|none|nothing|zero|half|quarter|double|twice|triple|dozens?|hundreds?|thousands?|millions?|billions?|majority|minority|percent|per\s?cent)\b|%/i;
const PLACE_WORDS =
  /\b(?:in|at|on|from|to|into|near|inside|outside|within|across|under|behind|via|through|room|office|floor|building|city|country|state|town|region|street|folder|directory|page|portal|site|website|channel|repository|repo|wiki|drive|console|menu|tab|settings|server|cloud)\b/i;
const ROLE_WORDS =
  /\b(?:\w+(?:er|or|ist|ian|ant|ent)s?|team|teams|department|committee|board|group|staff|employees?|members?|company|organi[sz]ation|government|council|university|band|family|people|person|owner|lead|head|chief|officer|founder|author|king|queen|president|they|he|she|nobody|everyone|anyone|someone)\b/i;

/** A capitalized word that is not the sentence's first: a name of someone, something or somewhere. */
function hasProperNoun(text: string): boolean {
  return /(?<=[\s(“"'‘-])\p{Lu}[\p{L}'’.-]*/u.test(text.replace(/^\s*[\p{P}\s]*[\p{L}'’-]+/u, ''));
}

function hasQuantity(text: string): boolean {
  return /\d/.test(text) || extractQuantities(tokenizeQuestion(text)).length > 0 || QUANTITY_WORDS.test(text);
}

const DIGIT_NUMBER = /\d+(?:[.,:]\d+)*/g;

/**
 * The text with the numbers the question itself states taken out: "How much does the warranty to 48
 * months cost?" is not answered by "A warranty to 48 months can be purchased", whose only number is
 * the question's own. What is left is what hasAnswerType should read for a quantity, duration or date.
 * @example withoutQuestionNumbers('A warranty to 48 months can be bought.', 'How much is the 48-month warranty?') // 'A warranty to  months can be bought.'
 */
export function withoutQuestionNumbers(text: string, question: string): string {
  const asked = new Set(question.match(DIGIT_NUMBER) ?? []);
  if (asked.size === 0) return text;
  // Whole numbers only: "48" leaves "480" and "4.8" alone.
  return text.replace(DIGIT_NUMBER, (found, offset: number, whole: string) => {
    const before = whole[offset - 1];
    return asked.has(found) && (before === undefined || !/[\d.,]/.test(before)) ? '' : found;
  });
}

/**
 * Whether a text holds an answer of the given type (permissive: a date word, a number, a name or
 * a role, a place word or name, a quantity or time unit): a sentence without one is not the
 * answer to a question expecting that type.
 * @example hasAnswerType('Members may borrow up to eight books.', 'quantity') // true
 */
export function hasAnswerType(text: string, type: AnswerType): boolean {
  switch (type) {
    case 'quantity':
      return hasQuantity(text);
    case 'date':
      // "from the fourth day": an ordinal word dates as well as "4th" does.
      return DATE_WORDS.test(text) || words(text).some((word) => ORDINAL_WORDS.has(word));
    case 'duration':
      return DURATION_WORDS.test(text) || hasQuantity(text);
    case 'person-or-organisation':
      return hasProperNoun(text) || ROLE_WORDS.test(text);
    case 'place':
      return hasProperNoun(text) || PLACE_WORDS.test(text);
  }
}
