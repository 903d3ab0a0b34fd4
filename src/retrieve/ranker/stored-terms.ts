import type { Queryable } from '../../db/types.js';
import { termOrderIndexes } from '../../search-index/term-order.js';

/** Chunks per statement when reading stored term orders (a ranker reads its depth, 100 by default). */
const STORED_TERMS_BATCH = 1000;

const STORED_TERMS_SQL = `
SELECT id, array_to_string(terms, E'\\x1f') AS terms, term_order
  FROM chunks
 WHERE tenant = $1 AND id = ANY($2::bigint[]) AND term_order IS NOT NULL`;

/** A chunk's text terms as stored: its distinct terms and, per position, the index of its term among them. */
export interface StoredTerms {
  distinct: string[];
  order: Int32Array;
}

/** The terms themselves, in order. */
export function storedTermList(stored: StoredTerms): string[] {
  return Array.from(stored.order, (index) => stored.distinct[index]);
}

/**
 * The text terms, in order, of those of `chunkIds` whose order was stored at ingest
 * (chunks.term_order, migrations/0016), tenant-scoped: what analyzing their texts gives, read
 * instead. Chunks written before that migration (or with more than 65,536 distinct terms) are absent
 * from the map; the caller analyzes their text. Chunk rows are never updated, so a stored order
 * belongs to the text the caller holds for the same id.
 */
export async function loadStoredTerms(db: Queryable, tenant: string, chunkIds: readonly number[]): Promise<Map<number, StoredTerms>> {
  const out = new Map<number, StoredTerms>();
  for (let start = 0; start < chunkIds.length; start += STORED_TERMS_BATCH) {
    const ids = chunkIds.slice(start, start + STORED_TERMS_BATCH);
    const { rows } = await db.query<{ id: number | string; terms: string; term_order: Uint8Array }>(STORED_TERMS_SQL, [tenant, ids], { name: 'gw_ranker_stored_terms' });
    for (const row of rows) {
      // Terms never hold the unit separator (document-store.ts writes them joined by it).
      const distinct = row.terms === '' ? [] : row.terms.split('\x1f');
      try {
        out.set(Number(row.id), { distinct, order: termOrderIndexes(distinct.length, row.term_order) });
      } catch (error) {
        throw new Error(`chunk ${row.id}: stored term order unreadable (${(error as Error).message}); re-ingest its document`, { cause: error });
      }
    }
  }
  return out;
}
