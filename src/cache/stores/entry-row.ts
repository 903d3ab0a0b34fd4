import type { CacheEntry, DocumentRef } from '../types.js';

/** A cache_entries row as both drivers return it. */
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

/** Columns that build an EntryRow, for a query aliasing cache_entries as `e` and cache_embedders as `ce`. */
export const ENTRY_COLUMNS = `e.id::text AS id, e.tenant, e.scope_key, e.question_key, e.question, e.answer, e.citations,
  e.documents, e.metadata, ce.embedder_key, e.created_at, e.expires_at, e.last_hit_at, e.hit_count`;

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
