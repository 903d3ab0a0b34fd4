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

/** A row's stored terms as read (`terms` joined by the unit separator, `term_order`), or throws naming the chunk. */
export function parseStoredTerms(id: number | string, terms: string, order: Uint8Array): StoredTerms {
  // Terms never hold the unit separator (document-store.ts writes them joined by it).
  const distinct = terms === '' ? [] : terms.split('\x1f');
  try {
    return { distinct, order: termOrderIndexes(distinct.length, order) };
  } catch (error) {
    throw new Error(`chunk ${id}: stored term order unreadable (${(error as Error).message}); re-ingest its document`, { cause: error });
  }
}

/**
 * Stored terms read with the candidates themselves (retriever.ts loads them with the chunk rows for
 * the chunks its ranker stage does not hold): `asked` the ids read, `stored` those that had an
 * order (an asked id without one has none: its text is analyzed, not read again).
 */
export interface PrefetchedTerms {
  asked: ReadonlySet<number>;
  stored: ReadonlyMap<number, StoredTerms>;
  /** The loaded candidates' documents' chunk counts (documents.chunk_count), when read with them. */
  documentChunks?: ReadonlyMap<number, number>;
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
    for (const row of rows) out.set(Number(row.id), parseStoredTerms(row.id, row.terms, row.term_order));
  }
  return out;
}
