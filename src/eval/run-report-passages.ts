import type { RetrievedChunk } from '../retrieve/types.js';
import type { ReportPassage } from './eval-report.js';
import { RELEVANCE_LEVEL } from './ir-metrics.js';
import type { RankedDocument } from './types.js';

/** Retrieved documents kept per query in the experiment, for the worst-queries section of reports. */
export const REPORT_PASSAGES = 10;
/** Characters of each kept passage: enough to judge relevance by eye, small enough for ~1k queries. */
export const REPORT_PASSAGE_CHARS = 300;

/**
 * The top documents of a query as stored in its experiment details: each with its best chunk's
 * text (cut to REPORT_PASSAGE_CHARS) and whether the judgments call it relevant.
 */
export function reportPassages(
  ranking: readonly RankedDocument[],
  chunks: readonly RetrievedChunk[],
  judged: ReadonlyMap<string, number> | undefined,
): ReportPassage[] {
  const best = new Map<string, RetrievedChunk>();
  for (const chunk of chunks) {
    const current = best.get(chunk.externalId);
    if (current === undefined || chunk.score > current.score) best.set(chunk.externalId, chunk);
  }
  return ranking.slice(0, REPORT_PASSAGES).map((document) => ({
    docId: document.docId,
    score: document.score,
    relevant: (judged?.get(document.docId) ?? 0) >= RELEVANCE_LEVEL,
    text: (best.get(document.docId)?.text ?? '').slice(0, REPORT_PASSAGE_CHARS),
  }));
}
