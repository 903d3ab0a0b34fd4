import type { TokenizedText } from '../../models/tokens/tokenized-text.js';
import { packUnits } from './pack-units.js';
import { splitByTokens } from './split-by-tokens.js';

/** Separator hierarchy: paragraphs, lines, sentences, clauses, words, then tokens (''). */
export const DEFAULT_SEPARATORS: readonly string[] = ['\n\n', '\n', '. ', '? ', '! ', '; ', ', ', ' ', ''];

/**
 * Recursive splitting: cut [start, end) after each occurrence of the first separator that occurs in
 * it, pack the pieces up to maxTokens (with whole-piece overlap), and split any piece still too big
 * with the next separators; '' splits on token boundaries. Spans are pushed to `out` in order.
 */
export function splitRecursively(args: {
  tokenized: TokenizedText;
  start: number;
  end: number;
  maxTokens: number;
  overlap: number;
  separators?: readonly string[];
  out: Array<[number, number]>;
}): void {
  const { tokenized, maxTokens, overlap, out } = args;
  const text = tokenized.text;
  const visit = (start: number, end: number, separators: readonly string[]): void => {
    if (tokenized.countSpan(start, end) <= maxTokens) {
      out.push([start, end]);
      return;
    }
    const span = text.slice(start, end);
    let level = 0;
    while (level < separators.length && separators[level] !== '' && !hasInnerCut(span, separators[level])) level++;
    const separator = separators[level];
    if (separator === undefined || separator === '') {
      const content = Math.max(1, maxTokens - tokenized.overhead);
      for (const piece of splitByTokens(tokenized, start, end, content, maxTokens)) out.push(piece);
      return;
    }
    const units: Array<[number, number]> = [];
    let pieceStart = 0;
    for (let found = span.indexOf(separator); found >= 0; found = span.indexOf(separator, found + separator.length)) {
      const cut = found + separator.length;
      if (cut >= span.length) break;
      units.push([start + pieceStart, start + cut]);
      pieceStart = cut;
    }
    units.push([start + pieceStart, end]);
    const rest = separators.slice(level + 1);
    packUnits({
      tokenized,
      units,
      maxTokens,
      overlap,
      emit: (a, b) => out.push([a, b]),
      oversize: (index) => visit(units[index][0], units[index][1], rest),
    });
  };
  visit(args.start, args.end, args.separators ?? DEFAULT_SEPARATORS);
}

function hasInnerCut(span: string, separator: string): boolean {
  const found = span.indexOf(separator);
  return found >= 0 && found + separator.length < span.length;
}
