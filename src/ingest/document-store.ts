import type { Queryable } from '../db/types.js';
import type { Analyzer } from '../retrieve/analyzer.js';
import type { ChunkDraft, LoadedDocument } from './types.js';

/** What the store needs to write one document with its chunks. */
export interface DocumentWrite {
  tenant: string;
  document: LoadedDocument;
  contentHash: string;
  configHash: string;
  chunks: ChunkDraft[];
  /** One vector per chunk, in order, when an embedder is configured. */
  embeddings?: Float32Array[];
  embedderId?: number;
}

export interface WriteOutcome {
  documentId: number;
  status: 'added' | 'updated';
  version: number;
  chunkDelta: number;
  lengthDelta: number;
}

/** Existing documents of a tenant by external id, for the unchanged/changed/new decision. */
export async function existingDocuments(
  db: Queryable,
  tenant: string,
  externalIds: string[],
): Promise<Map<string, { id: number; contentHash: string; configHash: string; version: number }>> {
  const { rows } = await db.query<{ id: number; external_id: string; content_hash: string; config_hash: string; version: number }>(
    'SELECT id, external_id, content_hash, config_hash, version FROM documents WHERE tenant = $1 AND external_id = ANY($2::text[])',
    [tenant, externalIds],
  );
  return new Map(rows.map((r) => [r.external_id, { id: r.id, contentHash: r.content_hash, configHash: r.config_hash, version: r.version }]));
}

/**
 * Writes one document inside the caller's transaction: upsert the row, replace its chunks, their
 * BM25 postings and embeddings. Returns the deltas for the tenant's collection statistics.
 */
export async function writeDocument(tx: Queryable, write: DocumentWrite, analyzer: Analyzer, titleWeight: number): Promise<WriteOutcome> {
  const { tenant, document } = write;
  const previous = await tx.query<{ id: number; version: number; chunk_count: number; length: number }>(
    `SELECT d.id, d.version, d.chunk_count,
            COALESCE((SELECT sum(term_count) FROM chunks c WHERE c.document_id = d.id), 0)::int AS length
       FROM documents d WHERE d.tenant = $1 AND d.external_id = $2 FOR UPDATE`,
    [tenant, document.externalId],
  );
  const tokenTotal = write.chunks.reduce((sum, c) => sum + c.tokenCount, 0);
  let documentId: number;
  let version: number;
  let chunkDelta = write.chunks.length;
  let lengthDelta = 0;
  const old = previous.rows[0];
  if (old) {
    await tx.query('DELETE FROM chunks WHERE document_id = $1', [old.id]);
    const updated = await tx.query<{ version: number }>(
      `UPDATE documents SET source = $2, title = $3, content_hash = $4, config_hash = $5, metadata = $6::jsonb,
              version = version + 1, chunk_count = $7, token_count = $8, updated_at = now()
        WHERE id = $1 RETURNING version`,
      [old.id, document.source, document.title, write.contentHash, write.configHash, JSON.stringify(document.metadata), write.chunks.length, tokenTotal],
    );
    documentId = old.id;
    version = updated.rows[0].version;
    chunkDelta -= old.chunk_count;
    lengthDelta -= old.length;
  } else {
    const inserted = await tx.query<{ id: number; version: number }>(
      `INSERT INTO documents (tenant, external_id, source, title, content_hash, config_hash, metadata, chunk_count, token_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9) RETURNING id, version`,
      [tenant, document.externalId, document.source, document.title, write.contentHash, write.configHash, JSON.stringify(document.metadata), write.chunks.length, tokenTotal],
    );
    documentId = inserted.rows[0].id;
    version = inserted.rows[0].version;
  }
  if (write.chunks.length === 0) return { documentId, status: old ? 'updated' : 'added', version, chunkDelta, lengthDelta };

  // Title terms count in every chunk of the document (titleWeight times): "flat" BM25 over title + text.
  const titleTerms = titleWeight > 0 && document.title ? analyzer.termFrequencies(document.title).frequencies : new Map<string, number>();
  const postings = { term: [] as string[], ordinal: [] as number[], tf: [] as number[], dl: [] as number[] };
  const rows = write.chunks.map((chunk) => {
    const frequencies = new Map<string, number>();
    for (const [term, tf] of titleTerms) frequencies.set(term, tf * titleWeight);
    const { length } = analyzer.termFrequencies(chunk.text, frequencies);
    let titleLength = 0;
    for (const tf of titleTerms.values()) titleLength += tf * titleWeight;
    const termCount = length + titleLength;
    lengthDelta += termCount;
    for (const [term, tf] of frequencies) {
      postings.term.push(term);
      postings.ordinal.push(chunk.ordinal);
      postings.tf.push(tf);
      postings.dl.push(termCount);
    }
    return {
      ordinal: chunk.ordinal,
      text: chunk.text,
      token_count: chunk.tokenCount,
      heading_path: chunk.headingPath,
      page: chunk.page ?? null,
      char_start: chunk.charStart,
      char_end: chunk.charEnd,
      metadata: chunk.metadata,
      term_count: termCount,
    };
  });
  const inserted = await tx.query<{ id: number; ordinal: number }>(
    `INSERT INTO chunks (document_id, tenant, ordinal, text, token_count, heading_path, page, char_start, char_end, metadata, term_count)
     SELECT $1, $2, r.ordinal, r.text, r.token_count, r.heading_path, r.page, r.char_start, r.char_end, COALESCE(r.metadata, '{}'::jsonb), r.term_count
       FROM jsonb_to_recordset($3::jsonb) AS r(ordinal int, text text, token_count int, heading_path text[], page int,
                                               char_start int, char_end int, metadata jsonb, term_count int)
     RETURNING id, ordinal`,
    [documentId, tenant, JSON.stringify(rows)],
  );
  const idByOrdinal = new Map(inserted.rows.map((r) => [r.ordinal, r.id]));
  if (postings.term.length > 0) {
    await tx.query(
      `INSERT INTO chunk_terms (tenant, term, chunk_id, tf, dl)
       SELECT $1, t.term, t.chunk_id, t.tf, t.dl FROM unnest($2::text[], $3::bigint[], $4::int[], $5::int[]) AS t(term, chunk_id, tf, dl)`,
      [tenant, postings.term, postings.ordinal.map((o) => idByOrdinal.get(o)!), postings.tf, postings.dl],
    );
  }
  if (write.embeddings && write.embedderId !== undefined) {
    await tx.query(
      `INSERT INTO chunk_embeddings (embedder_id, chunk_id, tenant, embedding)
       SELECT $1, e.chunk_id, $2, e.embedding::vector FROM unnest($3::bigint[], $4::text[]) AS e(chunk_id, embedding)`,
      [write.embedderId, tenant, write.chunks.map((c) => idByOrdinal.get(c.ordinal)!), write.embeddings.map(vectorLiteral)],
    );
  }
  return { documentId, status: old ? 'updated' : 'added', version, chunkDelta, lengthDelta };
}

/** Deletes documents by id within a tenant; returns the statistics deltas and the deleted ids. */
export async function deleteDocuments(tx: Queryable, tenant: string, documentIds: number[]): Promise<{ deleted: number[]; chunkDelta: number; lengthDelta: number }> {
  if (documentIds.length === 0) return { deleted: [], chunkDelta: 0, lengthDelta: 0 };
  const stats = await tx.query<{ chunks: number; length: number }>(
    'SELECT count(*)::int AS chunks, COALESCE(sum(term_count), 0)::int AS length FROM chunks WHERE tenant = $1 AND document_id = ANY($2::bigint[])',
    [tenant, documentIds],
  );
  const deleted = await tx.query<{ id: number }>('DELETE FROM documents WHERE tenant = $1 AND id = ANY($2::bigint[]) RETURNING id', [tenant, documentIds]);
  return { deleted: deleted.rows.map((r) => r.id), chunkDelta: -stats.rows[0].chunks, lengthDelta: -stats.rows[0].length };
}

/** Appends the collection-statistics delta of one transaction and bumps the tenant's index version. */
export async function recordIndexChange(tx: Queryable, tenant: string, chunkDelta: number, lengthDelta: number): Promise<number> {
  if (chunkDelta !== 0 || lengthDelta !== 0) {
    await tx.query('INSERT INTO tenant_term_stats (tenant, chunk_delta, length_delta) VALUES ($1, $2, $3)', [tenant, chunkDelta, lengthDelta]);
  }
  const { rows } = await tx.query<{ index_version: number }>(
    `INSERT INTO tenants (tenant, index_version) VALUES ($1, 1)
     ON CONFLICT (tenant) DO UPDATE SET index_version = tenants.index_version + 1 RETURNING index_version`,
    [tenant],
  );
  return rows[0].index_version;
}

/** Folds a tenant's statistics deltas into one row (run after an ingest; safe to run concurrently). */
export async function compactTermStats(db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> }, tenant: string): Promise<void> {
  await db.transaction(async (tx) => {
    const gone = await tx.query<{ chunk_delta: number; length_delta: number }>(
      'DELETE FROM tenant_term_stats WHERE tenant = $1 RETURNING chunk_delta, length_delta',
      [tenant],
    );
    if (gone.rows.length <= 1) {
      if (gone.rows.length === 1) await tx.query('INSERT INTO tenant_term_stats (tenant, chunk_delta, length_delta) VALUES ($1, $2, $3)', [tenant, gone.rows[0].chunk_delta, gone.rows[0].length_delta]);
      return;
    }
    const chunks = gone.rows.reduce((s, r) => s + Number(r.chunk_delta), 0);
    const length = gone.rows.reduce((s, r) => s + Number(r.length_delta), 0);
    await tx.query('INSERT INTO tenant_term_stats (tenant, chunk_delta, length_delta) VALUES ($1, $2, $3)', [tenant, chunks, length]);
  });
}

/** pgvector's text form of a vector. */
export function vectorLiteral(vector: ArrayLike<number>): string {
  return `[${Array.from(vector).join(',')}]`;
}
