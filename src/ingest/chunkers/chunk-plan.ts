import { GroundworkError } from '../../errors.js';
import type { ChunkDraft, LoadedDocument } from '../types.js';
import type { TokenizedText } from '../../models/tokens/tokenized-text.js';
import { tokensEndingBy } from '../../models/tokens/tokenized-text.js';
import type { ChunkerSettings } from './chunker-options.js';
import { splitByTokens } from './split-by-tokens.js';

/** A chunk as a span of the document text, before verification. */
export interface PlannedChunk {
  start: number;
  end: number;
  headingPath: string[];
  page?: number;
  /** Text put before the span (a repeated table header, a reopened code fence). */
  prefix?: string;
  /** Text put after the span (a code fence closed early). */
  suffix?: string;
  /** Keep leading and trailing whitespace (fixed-size chunks keep exact token spans). */
  keepWhitespace?: boolean;
  metadata?: Record<string, unknown>;
}

/**
 * Turns planned spans into ChunkDrafts: trims whitespace, drops empty spans, measures every chunk
 * with the true counter (exact span counts when the tokenization is exact, else `count`), and splits
 * any chunk over maxTokens again, so no emitted chunk exceeds the limit whatever the plan said.
 */
export function finalizeChunks(
  document: LoadedDocument,
  tokenized: TokenizedText,
  plans: PlannedChunk[],
  settings: ChunkerSettings,
  chunkerName: string,
): ChunkDraft[] {
  const drafts: ChunkDraft[] = [];
  const queue = plans.slice().reverse();
  while (queue.length > 0) {
    const plan = queue.pop() as PlannedChunk;
    let { start, end } = plan;
    if (!plan.keepWhitespace) [start, end] = trimSpan(document.text, start, end);
    if (end <= start || (plan.keepWhitespace && !/\S/.test(document.text.slice(start, end)))) continue;
    const prefix = plan.prefix ?? '';
    const suffix = plan.suffix ?? '';
    const body = document.text.slice(start, end);
    const text = prefix + body + suffix;
    const tokenCount =
      tokenized.exact && !prefix && !suffix ? tokenized.countSpan(start, end) : settings.tokenCounter.count(text);
    if (tokenCount <= settings.maxTokens) {
      drafts.push({
        ordinal: drafts.length,
        text,
        tokenCount,
        headingPath: plan.headingPath,
        ...(plan.page === undefined ? {} : { page: plan.page }),
        charStart: start,
        charEnd: end,
        metadata: {
          ...document.metadata,
          chunker: chunkerName,
          ...plan.metadata,
          ...(prefix ? { syntheticPrefixLength: prefix.length } : {}),
          ...(suffix ? { syntheticSuffixLength: suffix.length } : {}),
        },
      });
      continue;
    }
    // Over the limit: without affixes when it had them, else in smaller token pieces.
    const rest = { headingPath: plan.headingPath, page: plan.page, metadata: plan.metadata, keepWhitespace: plan.keepWhitespace };
    if (prefix || suffix) {
      queue.push({ ...rest, start, end });
      continue;
    }
    const planningTokens = tokensEndingBy(tokenized.tokenEnds, end) - tokensEndingBy(tokenized.tokenEnds, start) + 1;
    const content = Math.max(1, settings.maxTokens - tokenized.overhead);
    const budget = Math.max(1, Math.min(planningTokens - 1, Math.floor((planningTokens * content) / tokenCount)));
    const pieces = splitByTokens(tokenized, start, end, budget, settings.maxTokens);
    if (pieces.length <= 1) {
      throw new GroundworkError('INTERNAL', `chunker ${chunkerName}: cannot split ${JSON.stringify(body.slice(0, 40))} below ${settings.maxTokens} tokens`, {
        details: { externalId: document.externalId, charStart: start, tokenCount },
      });
    }
    for (let i = pieces.length - 1; i >= 0; i--) queue.push({ ...rest, start: pieces[i][0], end: pieces[i][1] });
  }
  return drafts;
}

/** Span without leading and trailing whitespace. */
export function trimSpan(text: string, start: number, end: number): [number, number] {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return [start, end];
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9 || code === 12 || code === 11 || code === 0xa0;
}
