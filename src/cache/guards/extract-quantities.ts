import { MULTIPLICATIVE_WORDS, readSpelledNumber } from './number-words.js';
import { parseDigits, type QuestionToken } from './question-tokens.js';
import { MULTIPLIER_UNIT, PERIOD_ADJECTIVES, UNIT_WORDS, type Unit } from './units.js';

/** A number found in a question, with its unit and rate period when stated. */
export interface Quantity {
  value: number;
  unit?: Unit;
  /** "per month", "a day", "every week": the period of a rate. */
  per?: Unit;
  /** The words it was read from, for messages. */
  text: string;
  /** An ordinal ("second", "12th", "twenty-first"). */
  ordinal?: boolean;
  /** Index of its first token, for locating bounds ("at least 12"). */
  start: number;
  end: number;
}

const RATE_WORDS = new Set(['per', 'a', 'an', 'every', 'each']);
const CURRENCY_SYMBOLS = new Set(['$', '€', '£']);

/** Flattened word stream: hyphenated compounds split into parts, each part pointing at its token. */
interface Part {
  word: string;
  token: number;
  kind: QuestionToken['kind'];
  /** True for the parts of a hyphenated compound after the first. */
  joined: boolean;
  /** Digits read from an ordinal ("12th"). */
  ordinal?: boolean;
}

/**
 * Reads the quantities of a question: digits ("1,000", "2.5", "-20"), spelled numbers
 * ("twenty-five", "one and a half"), ordinals ("second"), multiplicatives ("twice"), with a unit
 * ("GB", "°C", "$", "%", "weeks") and a rate period ("per month", "an hour") when present.
 * Codes (us-east-1, 2FA, HTTP/2) are left to the entity guard. A spelled number glued to a word
 * that is not a unit ("two-factor", "one-time", "first-class") is an adjective, not a quantity.
 */
export function extractQuantities(tokens: readonly QuestionToken[]): Quantity[] {
  const parts = toParts(tokens);
  const words = parts.map((p) => p.word);
  const out: Quantity[] = [];
  for (let i = 0; i < parts.length; ) {
    const part = parts[i];
    let value: number | undefined;
    let length = 0;
    let unit: Unit | undefined;
    let ordinal = false;
    if (CURRENCY_SYMBOLS.has(part.word) && parts[i + 1]?.kind === 'number') {
      unit = UNIT_WORDS.get(part.word);
      value = parseDigits(parts[i + 1].word);
      length = 2;
    } else if (part.kind === 'number') {
      value = parseDigits(part.word);
      length = 1;
      ordinal = part.ordinal === true;
    } else if (part.kind === 'word' && MULTIPLICATIVE_WORDS.has(part.word)) {
      // "once" only counts as a frequency when a rate follows ("once a day"), not "once approved".
      if (part.word !== 'once' || RATE_WORDS.has(words[i + 1] ?? '')) {
        const rate = readRate(words, i + 1);
        out.push({ value: MULTIPLICATIVE_WORDS.get(part.word)!, unit: MULTIPLIER_UNIT, per: rate?.unit, text: part.word, start: part.token, end: part.token });
        i += 1 + (rate?.length ?? 0);
        continue;
      }
      i += 1;
      continue;
    } else if (part.kind === 'word' && !part.joined) {
      const spelled = readSpelledNumber(words, i);
      if (spelled) {
        const next = parts[i + spelled.length];
        // A compound adjective: "two-factor", "one-time", "first-class", "third-party".
        if (next?.joined && !UNIT_WORDS.has(next.word)) {
          i += spelled.length + 1;
          continue;
        }
        value = spelled.value;
        length = spelled.length;
        ordinal = spelled.ordinal;
      }
    }
    if (value === undefined) {
      i += 1;
      continue;
    }
    let j = i + length;
    if (!unit) {
      const after = words[j];
      if (after !== undefined && UNIT_WORDS.has(after)) {
        unit = UNIT_WORDS.get(after);
        j += 1;
      } else if (after !== undefined && after !== 'of' && UNIT_WORDS.has(words[j + 1] ?? '') && !RATE_WORDS.has(after) && parts[j].kind !== 'number' && !readSpelledNumber(words, j)) {
        // (Not a number between: "the first eight days" is the first, then eight days.)
        // One word between number and unit: "15 vacation days".
        unit = UNIT_WORDS.get(words[j + 1]);
        j += 2;
      }
    }
    if (unit?.name === '°C' || unit?.name === '°F') {
      // "20 degrees Celsius" is read by the unit table; "degrees" alone is skipped below.
    } else if (words[j] === 'degrees' && UNIT_WORDS.get(words[j + 1] ?? '')?.dimension === 'temperature') {
      unit = UNIT_WORDS.get(words[j + 1]);
      j += 2;
    }
    // "per minute" right after, or after one noun: "1,000 requests per minute".
    const first = part.token;
    const last = parts[Math.max(i, j - 1)].token;
    let rate = readRate(words, j);
    if (rate) j += rate.length;
    else if (words[j] !== undefined && !UNIT_WORDS.has(words[j]) && words[j] !== 'twice' && words[j] !== 'once') {
      rate = readRate(words, j + 1); // the noun between stays unconsumed
    }
    const text = tokens.slice(first, last + 1).map((t) => t.text).join(' ');
    out.push({ value, unit, per: rate?.unit, text, start: first, end: last, ...(ordinal ? { ordinal } : {}) });
    i = j;
  }
  return out;
}

function readRate(words: readonly string[], at: number): { unit: Unit; length: number } | undefined {
  const word = words[at];
  if (word === undefined) return undefined;
  if (RATE_WORDS.has(word)) {
    const unit = UNIT_WORDS.get(words[at + 1] ?? '');
    if (unit?.dimension === 'time') return { unit, length: 2 };
    return undefined;
  }
  const period = PERIOD_ADJECTIVES.get(word);
  return period ? { unit: period, length: 1 } : undefined;
}

function toParts(tokens: readonly QuestionToken[]): Part[] {
  const parts: Part[] = [];
  tokens.forEach((token, index) => {
    if (token.kind === 'word' && token.lower.includes('-')) {
      token.lower.split('-').forEach((word, k) => parts.push({ word, token: index, kind: 'word', joined: k > 0 }));
    } else if (token.kind === 'code' && /^\d+(?:\.\d+)?-[a-z]+$/i.test(token.text)) {
      // "24-hour", "5-day": a number glued to a unit word.
      const [digits, word] = token.lower.split('-');
      parts.push({ word: digits, token: index, kind: 'number', joined: false });
      parts.push({ word, token: index, kind: 'word', joined: true });
    } else if (token.kind === 'code' && /^\d+(?:st|nd|rd|th)$/i.test(token.text)) {
      // "12th", "2nd": an ordinal in digits, the same quantity as "twelfth", "second".
      parts.push({ word: token.lower.replace(/\D+$/, ''), token: index, kind: 'number', joined: false, ordinal: true });
    } else {
      parts.push({ word: token.lower, token: index, kind: token.kind, joined: false });
    }
  });
  return parts;
}
