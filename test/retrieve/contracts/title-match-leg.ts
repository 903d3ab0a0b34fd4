import { InputError } from '../../../src/errors.js';
import type { RetrievalLeg } from '../../../src/retrieve/retrieval-leg.js';

/**
 * A test leg, to show that a leg is one module plus its registration: documents whose title holds
 * the query's terms, each represented by its first chunk. Score: the share of the query's distinct
 * terms found in the title (analyzed like the query); ties by chunk id. It applies no filters, so
 * it refuses filtered requests.
 */
export function createTitleMatchLeg(): RetrievalLeg {
  return {
    name: 'title',
    capabilities: { needsEmbedder: false, filters: false },
    async search(request, { db, analyzer, signal }) {
      if (request.filters.length > 0) throw new InputError('filters', 'the title leg does not apply filters');
      signal?.throwIfAborted();
      if (request.terms.size === 0) return { hits: [], confidence: 0 };
      const { rows } = await db.query<{ chunk_id: number; title: string }>(
        `SELECT DISTINCT ON (d.id) c.id AS chunk_id, d.title
           FROM documents d JOIN chunks c ON c.document_id = d.id AND c.tenant = d.tenant
          WHERE d.tenant = $1 AND d.title <> ''
          ORDER BY d.id, c.ordinal`,
        [request.tenant],
      );
      signal?.throwIfAborted();
      const hits = rows
        .map((row) => {
          const titleTerms = new Set(analyzer.terms(row.title));
          let found = 0;
          for (const term of request.terms.keys()) if (titleTerms.has(term)) found += 1;
          return { chunkId: row.chunk_id, score: found / request.terms.size };
        })
        .filter((hit) => hit.score > 0)
        .sort((a, b) => b.score - a.score || a.chunkId - b.chunkId)
        .slice(0, request.limit);
      return { hits, confidence: hits[0]?.score ?? 0 };
    },
  };
}
