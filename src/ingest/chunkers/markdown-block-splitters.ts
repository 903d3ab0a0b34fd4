import type { TokenizedText } from '../../models/tokens/tokenized-text.js';
import type { ChunkerSettings } from './chunker-options.js';
import type { PlannedChunk } from './chunk-plan.js';
import type { MarkdownBlock } from './markdown-blocks.js';
import { splitRecursively } from './split-recursively.js';

/** Joins between an affix and the span can merge or split a token: room kept when estimating. */
const JOIN_MARGIN_TOKENS = 2;

type Base = Pick<PlannedChunk, 'headingPath' | 'page'>;

/** Line spans of text[start, end), each including its newline except the last. */
function lineSpans(text: string, start: number, end: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (let pos = start; pos < end; ) {
    const newline = text.indexOf('\n', pos);
    const lineEnd = newline < 0 || newline >= end ? end : newline + 1;
    spans.push([pos, lineEnd]);
    pos = lineEnd;
  }
  return spans;
}

/**
 * Packs consecutive lines into affixed pieces. `affixes(first, last)` gives the prefix and suffix of
 * a piece from line `first` to line `last`. Estimates with span counts plus affix tokens, then
 * verifies each piece with the true counter and gives back lines until it fits. A line too big even
 * alone is split recursively without affixes.
 */
function packLines(
  tokenized: TokenizedText,
  settings: ChunkerSettings,
  lines: Array<[number, number]>,
  base: Base,
  affixes: (first: number, last: number) => { prefix: string; suffix: string; metadata: Record<string, unknown> },
  out: PlannedChunk[],
  keepWhitespace = false,
): void {
  const { maxTokens, tokenCounter } = settings;
  const affixTokens = new Map<string, number>();
  const cost = (value: string) => {
    if (!value) return 0;
    let tokens = affixTokens.get(value);
    if (tokens === undefined) affixTokens.set(value, (tokens = tokenCounter.count(value) - tokenized.overhead));
    return tokens;
  };
  const estimate = (first: number, last: number) => {
    const { prefix, suffix } = affixes(first, last);
    return tokenized.countSpan(lines[first][0], lines[last][1]) + cost(prefix) + cost(suffix) + JOIN_MARGIN_TOKENS;
  };
  const exactFits = (first: number, last: number) => {
    const { prefix, suffix } = affixes(first, last);
    return tokenCounter.count(prefix + tokenized.text.slice(lines[first][0], lines[last][1]) + suffix) <= maxTokens;
  };
  let first = 0;
  while (first < lines.length) {
    if (estimate(first, first) > maxTokens && !exactFits(first, first)) {
      const spans: Array<[number, number]> = [];
      splitRecursively({ tokenized, start: lines[first][0], end: lines[first][1], maxTokens, overlap: 0, separators: [' ', ''], out: spans });
      for (const [start, end] of spans) out.push({ ...base, start, end });
      first++;
      continue;
    }
    let last = first;
    while (last + 1 < lines.length && estimate(first, last + 1) <= maxTokens) last++;
    while (last > first && !exactFits(first, last)) last--;
    const { prefix, suffix, metadata } = affixes(first, last);
    out.push({ ...base, start: lines[first][0], end: lines[last][1], prefix, suffix, metadata, keepWhitespace });
    first = last + 1;
  }
}

/** A table over the limit: rows stay whole and every continued piece repeats the header rows. */
export function splitTable(
  tokenized: TokenizedText,
  settings: ChunkerSettings,
  block: Extract<MarkdownBlock, { kind: 'table' }>,
  base: Base,
  out: PlannedChunk[],
): void {
  const header = tokenized.text.slice(block.start, block.headerEnd);
  const headerWithNewline = header.endsWith('\n') ? header : `${header}\n`;
  // The first piece holds the header itself as a unit merged into its first row.
  const rows = lineSpans(tokenized.text, block.headerEnd, block.end);
  const lines: Array<[number, number]> = rows.length === 0 ? [[block.start, block.end]] : [[block.start, rows[0][1]], ...rows.slice(1)];
  packLines(tokenized, settings, lines, base, (first) =>
    first === 0 ? { prefix: '', suffix: '', metadata: { table: true } } : { prefix: headerWithNewline, suffix: '', metadata: { table: true, continuedTable: true } },
    out,
  );
}

/**
 * A code fence over the limit: split at line boundaries; each piece is closed with the fence marker
 * and the next reopens it with its language.
 */
export function splitFence(
  tokenized: TokenizedText,
  settings: ChunkerSettings,
  block: Extract<MarkdownBlock, { kind: 'fence' }>,
  base: Base,
  out: PlannedChunk[],
): void {
  const text = tokenized.text;
  const contentEnd = block.closeLineStart ?? block.end;
  const content = lineSpans(text, block.openLineEnd, contentEnd);
  // Open line joins the first content line; the closing line joins the last.
  const lines: Array<[number, number]> = content.length === 0 ? [[block.start, block.end]] : content.map((span) => [span[0], span[1]]);
  lines[0][0] = block.start;
  lines[lines.length - 1][1] = block.end;
  const opener = `${block.marker}${block.language}\n`;
  packLines(tokenized, settings, lines, base, (first, last) => {
    const endsBlock = last === lines.length - 1;
    const piece = text.slice(lines[last][0], lines[last][1]);
    return {
      prefix: first === 0 ? '' : opener,
      suffix: endsBlock ? '' : `${piece.endsWith('\n') ? '' : '\n'}${block.marker}`,
      metadata: { ...(block.language ? { codeLanguage: block.language } : {}), ...(first === 0 ? {} : { continuedCodeFence: true }) },
    };
  }, out, true);
}
