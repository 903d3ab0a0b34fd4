import { porterStem } from '../../porter-stem.js';
import { recentMemo } from '../../recent-memo.js';

/** What a token looks like; guards read different kinds. */
export type TokenKind = 'word' | 'number' | 'code' | 'symbol' | 'quoted';

/** One token of a question, with its original spelling kept for entity detection. */
export interface QuestionToken {
  readonly text: string;
  readonly lower: string;
  readonly kind: TokenKind;
  /** Index among word-like tokens; 0 is the sentence-initial word. */
  readonly position: number;
}

const NUMBER = /^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;
// Order matters: quoted strings, degree units, currency and percent symbols, numbers with
// thousands separators or a leading minus, then words that may carry hyphens, slashes, dots,
// apostrophes or a parenthesised suffix (us-east-1, HTTP/2, 3.11, can't, 401(k)).
const TOKEN = new RegExp(
  [
    '"[^"]+"',
    '“[^”]+”',
    '[°º]\\s?[CFcf]\\b',
    '[$€£%]',
    '(?<![\\p{L}\\p{N}-])-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?',
    '(?<![\\p{L}\\p{N}])-\\d+(?:\\.\\d+)?',
    "[\\p{L}\\p{N}]+(?:[-/.'’][\\p{L}\\p{N}]+)*(?:\\([\\p{L}\\p{N}]+\\))?",
  ].join('|'),
  'gu',
);

/**
 * Questions tokenized lately: every guard tokenizes both questions of a pair, and a lookup checks
 * one new question against a few cached ones, so most calls repeat one of the last few.
 */
const recent = recentMemo<readonly QuestionToken[]>(16);

/** Splits a question into tokens; contractions become base + `not` (`can't` -> `can`, `not`). */
export function tokenizeQuestion(question: string): readonly QuestionToken[] {
  return recent.get(question, () => tokenize(question));
}

function tokenize(question: string): QuestionToken[] {
  const out: QuestionToken[] = [];
  let position = 0;
  const push = (text: string, kind: TokenKind): void => {
    out.push({ text, lower: text.toLowerCase(), kind, position: kind === 'symbol' ? -1 : position++ });
  };
  for (const match of question.normalize('NFKC').matchAll(TOKEN)) {
    const raw = match[0];
    if (raw.startsWith('"') || raw.startsWith('“')) {
      push(raw.slice(1, -1).trim(), 'quoted');
      continue;
    }
    if (/^[°º]/.test(raw)) {
      push(`°${raw.slice(-1).toUpperCase()}`, 'symbol');
      continue;
    }
    if (/^[$€£%]$/.test(raw)) {
      push(raw, 'symbol');
      continue;
    }
    let word = raw.replace(/['’]s$/i, '');
    const contraction = /^(.*?)(n['’]t)$/i.exec(word);
    if (contraction) {
      const base = contraction[1].toLowerCase();
      push(base === 'ca' ? 'can' : base === 'wo' ? 'will' : base === 'sha' ? 'shall' : contraction[1], 'word');
      push('not', 'word');
      continue;
    }
    if (/^cannot$/i.test(word)) {
      push('can', 'word');
      push('not', 'word');
      continue;
    }
    word = word.replace(/['’]$/, '');
    if (NUMBER.test(word)) push(word, 'number');
    else if (isCode(word)) push(word, 'code');
    else push(word, 'word');
  }
  return out;
}

/** Identifiers that mix letters and digits or digits and separators: us-east-1, E-4012, 2FA, HTTP/2, 24/7, 401(k). */
export function isCode(word: string): boolean {
  if (!/\d/.test(word)) return false;
  if (/\p{L}/u.test(word)) return true;
  return /[-/()]/.test(word);
}

/** Parses a digit token (`1,000`, `-20`, `2.5`) into a number. */
export function parseDigits(text: string): number {
  return Number(text.replace(/,/g, ''));
}

/** Lowercase Porter stem, for comparing words across inflections. */
export function stemWord(word: string): string {
  const lower = word.toLowerCase();
  return /^[a-z]+$/.test(lower) ? porterStem(lower) : lower;
}
