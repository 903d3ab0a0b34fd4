/** One sentence of a text with its character offsets (end exclusive, trailing space included). */
export interface SentenceSpan {
  text: string;
  start: number;
  end: number;
}

/**
 * Abbreviations after which a period does not end a sentence. V8's Intl.Segmenter has no ICU
 * suppression lists, so "Dr. Smith" would otherwise split.
 */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'etc', 'e.g', 'i.e', 'fig', 'no', 'inc',
  'ltd', 'co', 'corp', 'approx', 'dept', 'est', 'vol', 'p', 'pp', 'ch', 'sec', 'jan', 'feb', 'mar',
  'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'u.s', 'a.m', 'p.m',
  // Works, references and titles that never end a sentence in practice ("Op. 64, No. 1", "cf. Table 2", "Lt. Col. Ames").
  'op', 'nos', 'cf', 'viz', 'ca', 'eq', 'eqs', 'figs', 'vols', 'ibid', 'lt', 'col', 'capt', 'sgt', 'gov', 'rev', 'mt', 'bros',
]);

/** Built once: a segmenter holds no state between calls, and building one costs more than segmenting a sentence. */
const SENTENCE_SEGMENTER = new Intl.Segmenter('en', { granularity: 'sentence' });

function endsWithAbbreviation(segment: string): boolean {
  const match = /(?:^|[\s(])([A-Za-z](?:[A-Za-z.]*[A-Za-z])?)\.\s*$/.exec(segment);
  if (!match) return false;
  const word = match[1];
  // A single capital letter is an initial ("J. Smith").
  return ABBREVIATIONS.has(word.toLowerCase()) || /^[A-Z]$/.test(word);
}

/** How a text is split. */
export interface SplitOptions {
  /**
   * Offsets where no code fence is open, whatever came before (from the first line start at or after
   * each): where a chunk's own text starts after the tail of the chunk before it, which may close a
   * fence it never opened.
   */
  fenceResets?: readonly number[];
}

/** A line that starts a block of its own: a list item, heading, table row, quote, fence, rule, Markdown link definition or image (a badge). */
const BLOCK_START = /^\s*(?:[-*+•]\s|\d{1,3}[.)]\s|#{1,6}(?:\s|$)|\||>|```|~~~|(?:[-*_]\s*){3,}$|\[[^\]]+\]:\s|\[?!\[)/;
const FENCE = /^\s*(?:```|~~~)/;
const INDENTED = /^(?: {4}|\t)/;
/**
 * A line ending as prose never wraps: a closing bracket or angle, a brace, a semicolon, colon, equals
 * sign or pipe: a synopsis, configuration or code line ("'git subtree' add <local-commit>"), or a
 * line that introduces what follows ("Example:").
 */
const ENDS_LINE = /[>\]{};:=|]\s*\r?$/;
/** Shortest line taken as wrapped when the next starts with a capital: wrap widths run 60-100 characters. */
const SOFT_WRAP_MIN_CHARS = 40;
/** A line that goes on with the sentence before it: a lower-case letter, digit or continuing punctuation first. */
const CONTINUES = /^\s*[\p{Ll}\d,;:)\]–—-]/u;

/**
 * The text with its soft line breaks (a paragraph or list item wrapped over several lines, as
 * READMEs, man pages and plain-text files are) turned into spaces, offsets unchanged: UAX #29 ends
 * a sentence at every line break, which would quote "Return true if the version satisfies the" and
 * leave "range." behind. A break stays where a line is blank, where the next line starts a block
 * (list item, heading, table row, quote, fence, rule), after a heading, table row or fence line,
 * after a line that ends as no wrapped prose line does (ENDS_LINE),
 * inside a fenced code block, between two indented (code) lines, and after a short line (under
 * SOFT_WRAP_MIN_CHARS) that a capitalized line follows: a plain-text heading or label.
 */
export function joinSoftLineBreaks(text: string, options: SplitOptions = {}): string {
  if (!text.includes('\n')) return text;
  const lines = text.split('\n');
  // A reset inside a line takes effect at the next line's start.
  const resets = [...(options.fenceResets ?? [])].sort((a, b) => a - b);
  let nextReset = 0;
  const out: string[] = [];
  let inFence = false;
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    while (nextReset < resets.length && resets[nextReset] <= offset) {
      inFence = false;
      nextReset += 1;
    }
    offset += line.length + 1;
    out.push(line);
    if (FENCE.test(line)) inFence = !inFence;
    if (i === lines.length - 1) break;
    const next = lines[i + 1];
    const soft =
      !inFence &&
      line.trim().length > 0 &&
      next.trim().length > 0 &&
      !/^\s*(?:#{1,6}(?:\s|$)|\||```|~~~)/.test(line) &&
      !BLOCK_START.test(next) &&
      !(INDENTED.test(line) && INDENTED.test(next)) &&
      !ENDS_LINE.test(line) &&
      // A wrapped line runs to near the wrap width, or the next goes on mid-sentence; a short line
      // before a capitalized one is a plain-text heading or label ("Section two\nThe end!").
      (line.trim().length >= SOFT_WRAP_MIN_CHARS || CONTINUES.test(next));
    // The break (with a carriage return before it) becomes spaces of the same length.
    if (soft && line.endsWith('\r')) out[out.length - 1] = `${line.slice(0, -1)} `;
    out.push(soft ? ' ' : '\n');
  }
  return out.join('');
}

/**
 * Splits text into sentences with Intl.Segmenter (Unicode UAX #29 sentence boundaries), merging
 * splits after common abbreviations and initials; soft line breaks inside a paragraph or list item
 * do not end a sentence (joinSoftLineBreaks). Concatenating the spans gives back the text.
 */
export function splitSentences(text: string, options: SplitOptions = {}): SentenceSpan[] {
  const segmenter = SENTENCE_SEGMENTER;
  const spans: SentenceSpan[] = [];
  let pending: SentenceSpan | undefined;
  for (const { segment: joined, index } of segmenter.segment(joinSoftLineBreaks(text, options))) {
    // Boundaries from the joined text, characters from the text itself (the same offsets).
    const segment = text.slice(index, index + joined.length);
    if (pending) {
      pending = { text: pending.text + segment, start: pending.start, end: index + segment.length };
    } else {
      pending = { text: segment, start: index, end: index + segment.length };
    }
    // A hard line break ends the sentence whatever precedes it ("Dr.\n" closing a list item).
    if (!endsWithAbbreviation(pending.text) || /\n\s*$/.test(joined)) {
      spans.push(pending);
      pending = undefined;
    }
  }
  if (pending) spans.push(pending);
  return spans;
}
