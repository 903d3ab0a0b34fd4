import type { CacheEntry, DocumentRef } from '../types.js';

/** An entry as both drivers return it (ENTRY_COLUMNS: a cache_entries row and its hits). */
export interface EntryRow {
  id: string;
  tenant: string;
  scope_key: string;
  question_key: string;
  question: string;
  answer: string;
  citations: Array<Record<string, unknown>>;
  documents: DocumentRef[];
  metadata: Record<string, unknown>;
  embedder_key: string | null;
  created_at: Date;
  expires_at: Date;
  last_hit_at: Date;
  hit_count: number;
}

/**
 * An entry's LRU clock: its own last_hit_at (its creation, or its last hit before migration 0007)
 * or its latest recorded hit, whichever is later (greatest() skips the NULL of an entry never hit).
 * Needs ENTRY_HITS_JOIN.
 */
export const ENTRY_LAST_HIT_AT = 'greatest(e.last_hit_at, h.last_hit_at)';

/**
 * The join every read of an entry needs: hits are counted in cache_entry_hits, not in the wide
 * cache_entries row (migrations/0007_cache_hits.sql). ENTRY_COLUMNS and ENTRY_LAST_HIT_AT refer to
 * its alias `h`, so a query that forgets it fails instead of reporting the count at creation.
 */
export const ENTRY_HITS_JOIN = 'LEFT JOIN cache_entry_hits h ON h.entry_id = e.id';

/** What a query selecting ENTRY_COLUMNS from cache_entries `e` joins: its embedder and its hits. */
export const ENTRY_JOINS = `LEFT JOIN cache_embedders ce ON ce.id = e.embedder_id ${ENTRY_HITS_JOIN}`;

/** Columns that build an EntryRow, for a query on cache_entries `e` with ENTRY_JOINS. */
export const ENTRY_COLUMNS = `e.id::text AS id, e.tenant, e.scope_key, e.question_key, e.question, e.answer, e.citations,
  e.documents, e.metadata, ce.embedder_key, e.created_at, e.expires_at,
  ${ENTRY_LAST_HIT_AT} AS last_hit_at, e.hit_count + coalesce(h.hit_count, 0) AS hit_count`;

/** Row to entry. */
export function entryFromRow(row: EntryRow): CacheEntry {
  return {
    id: row.id,
    tenant: row.tenant,
    scopeKey: row.scope_key,
    questionKey: row.question_key,
    question: row.question,
    answer: row.answer,
    citations: row.citations,
    documents: row.documents.map((d) => ({ id: Number(d.id), version: Number(d.version) })),
    metadata: row.metadata,
    embedderKey: row.embedder_key ?? undefined,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    lastHitAt: new Date(row.last_hit_at),
    hitCount: Number(row.hit_count),
  };
}
