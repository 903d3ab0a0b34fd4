import type { Queryable } from '../../db/types.js';
import { createLegRegistry, type LegRegistry } from '../leg-registry.js';
import type { RetrievalLeg } from '../retrieval-leg.js';
import type { Rm3Options } from './ranker-options.js';
import { rm3Query } from './rm3.js';

/** The leg RM3 expands: BM25's (its name is its mode). */
export const RM3_EXPANDED_LEG = 'sparse';

/** Analyzed text (title and body) of chunks, tenant-checked, in the order of `ids`. */
async function feedbackTexts(db: Queryable, tenant: string, ids: readonly number[]): Promise<string[]> {
  const { rows } = await db.query<{ id: number; title: string; text: string }>(
    'SELECT c.id, d.title, c.text FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.tenant = $1 AND c.id = ANY($2::bigint[])',
    [tenant, ids],
    { name: 'gw_rm3_feedback' },
  );
  const byId = new Map(rows.map((row) => [Number(row.id), `${row.title ?? ''}\n${row.text}`]));
  return ids.map((id) => byId.get(id) ?? '');
}

/**
 * RM3 around a leg: search with the query, take the top `feedbackDocs` hits as pseudo-relevant,
 * build the RM3 query (rm3.ts) and search again with it. Confidence stays the original query's
 * (comparable across queries, as without RM3); the hits are the expanded search's.
 */
export function rm3Leg(inner: RetrievalLeg, settings: Rm3Options): RetrievalLeg {
  return {
    name: inner.name,
    capabilities: inner.capabilities,
    async search(request, context) {
      const first = await inner.search({ ...request, limit: Math.max(request.limit, settings.feedbackDocs) }, context);
      if (first.hits.length === 0) return { ...first, hits: [] };
      const top = first.hits.slice(0, settings.feedbackDocs);
      const texts = await feedbackTexts(context.db, request.tenant, top.map((hit) => hit.chunkId));
      const expanded = rm3Query(request.terms, top.map((hit, i) => ({ terms: context.analyzer.terms(texts[i]), score: hit.score })), settings);
      context.signal?.throwIfAborted();
      const second = await inner.search({ ...request, terms: expanded }, context);
      return { ...second, confidence: first.confidence, notices: [...(first.notices ?? []), ...(second.notices ?? [])] };
    },
  };
}

/** The registry with its BM25 leg wrapped in RM3 when `retrieve.rm3.enabled` (unchanged otherwise). */
export function withRm3(registry: LegRegistry, settings: Rm3Options | undefined): LegRegistry {
  if (!settings?.enabled) return registry;
  return createLegRegistry(registry.registrations.map((r) => (r.leg.name === RM3_EXPANDED_LEG ? { leg: rm3Leg(r.leg, settings), weight: r.weight } : r)));
}
