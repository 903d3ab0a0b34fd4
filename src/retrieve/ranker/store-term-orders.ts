import type { Queryable } from '../../db/types.js';
import type { Analyzer } from '../../search-index/analyzer.js';
import { encodeTermIndexes } from '../../search-index/term-order.js';

/** Chunks read and written per statement pair. */
export const STORE_TERM_ORDERS_BATCH = 500;

export interface StoreTermOrdersResult {
  /** Chunks given their term order now. */
  stored: number;
  /** Chunks left without one: their text's terms are not all in their indexed terms (indexed by another analyzer version: ingest them again) or they have more than 65,536 distinct terms. */
  skipped: number;
}

/**
 * Gives chunks written before migration 0016 their term order (chunks.term_order), so the learned
 * ranker reads their terms instead of analyzing their text. The order is computed from the chunk's
 * text with `analyzer` and its indexed terms (chunks.terms); a chunk whose analyzed terms are not all
 * among them is skipped, never given an order that disagrees with its postings. Only chunks without
 * an order are written, batch by batch in id order (each batch its own statement: an interrupted run
 * keeps what it wrote, and a later one goes on). Text and postings are untouched, so the index
 * version does not move. `tenant` undefined: every tenant.
 */
export async function storeTermOrders(
  db: Queryable,
  analyzer: Analyzer,
  options: { tenant?: string; batch?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<StoreTermOrdersResult> {
  const batch = options.batch ?? STORE_TERM_ORDERS_BATCH;
  if (!Number.isInteger(batch) || batch < 1) throw new TypeError('batch must be a positive integer');
  const tenant = options.tenant ?? null;
  const { rows: [{ total }] } = await db.query<{ total: number }>(
    'SELECT count(*)::int AS total FROM chunks WHERE term_order IS NULL AND ($1::text IS NULL OR tenant = $1)',
    [tenant],
  );
  let after = 0;
  let stored = 0;
  let skipped = 0;
  options.onProgress?.(0, total);
  for (;;) {
    const { rows } = await db.query<{ id: number | string; text: string; terms: string }>(
      `SELECT id, text, array_to_string(terms, E'\\x1f') AS terms FROM chunks
        WHERE term_order IS NULL AND ($1::text IS NULL OR tenant = $1) AND id > $2 ORDER BY id LIMIT $3`,
      [tenant, after, batch],
    );
    if (rows.length === 0) break;
    const ids: number[] = [];
    const orders: string[] = [];
    for (const row of rows) {
      after = Number(row.id);
      const distinct = row.terms === '' ? [] : row.terms.split('\x1f');
      const index = new Map(distinct.map((term, i) => [term, i]));
      const positions = analyzer.terms(row.text).map((term) => index.get(term) ?? -1);
      const encoded = positions.includes(-1) ? null : encodeTermIndexes(positions);
      if (!encoded) {
        skipped++;
        continue;
      }
      ids.push(after);
      orders.push(encoded.toString('base64'));
    }
    if (ids.length > 0) {
      const result = await db.query(
        `UPDATE chunks c SET term_order = decode(v.term_order, 'base64')
           FROM unnest($1::bigint[], $2::text[]) AS v(id, term_order)
          WHERE c.id = v.id AND c.term_order IS NULL`,
        [ids, orders],
      );
      stored += result.rowCount ?? ids.length;
    }
    options.onProgress?.(Math.min(total, stored + skipped), total);
  }
  return { stored, skipped };
}
