import { answerabilityFeatures } from '../generate/answerability-features.js';
import type { AnswerabilityRow } from '../generate/train-answerability.js';
import type { Groundwork } from '../groundwork.js';
import { loadChunkEdges } from '../retrieve/load-chunk-edges.js';
import type { RetrievalMode } from '../retrieve/types.js';
import type { GoldenItem } from './golden-set.js';

/** A golden item's group for grouped splits: `metadata.article`, else its first relevant document, else its id. */
export function answerabilityGroup(item: GoldenItem): string {
  const article = item.metadata.article;
  if (typeof article === 'string' && article.length > 0) return article;
  return item.relevant_doc_ids[0] ?? item.id;
}

/**
 * Training rows for the answer-or-refuse model: each golden question retrieved against the tenant
 * exactly as `ask` retrieves it (reranked to topN when a reranker is configured, chunk edges loaded),
 * and its features computed over those chunks. The label is the golden item's `answerable`.
 * @example await answerabilityRows(gw, golden.items, { tenant: 'squad2', mode: 'sparse' })
 */
export async function answerabilityRows(
  gw: Groundwork,
  items: readonly GoldenItem[],
  options: { tenant?: string; mode?: RetrievalMode; groupOf?: (item: GoldenItem) => string; onProgress?: (done: number, total: number) => void } = {},
): Promise<AnswerabilityRow[]> {
  const tenant = options.tenant ?? gw.config.tenant;
  const rows: AnswerabilityRow[] = [];
  for (const [index, item] of items.entries()) {
    const retrieval = await gw.retrieve({ query: item.question, tenant, mode: options.mode });
    const ranked = gw.reranker ? retrieval.chunks.slice(0, gw.config.retrieve.topN) : retrieval.chunks;
    const chunks = await loadChunkEdges(gw.db, tenant, ranked);
    rows.push({
      id: item.id,
      group: (options.groupOf ?? answerabilityGroup)(item),
      answerable: item.answerable,
      features: answerabilityFeatures(item.question, chunks, retrieval.confidence),
    });
    options.onProgress?.(index + 1, items.length);
  }
  return rows;
}
