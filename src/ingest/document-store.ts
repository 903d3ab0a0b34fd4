import { jsonArrayWriter } from '../db/bytea-lists.js';
import type { Queryable } from '../db/types.js';
import { vectorLiteral } from '../db/vector-param.js';
import type { Analyzer } from '../search-index/analyzer.js';
import { analyzeWrite, chunkTerms, type DocumentAnalysis } from '../search-index/document-analysis.js';
import { encodeTermOrder } from '../search-index/term-order.js';
import { BLOCK_CHUNKS, blockGroups, writePostingBlocks, type BlockEntry } from '../search-index/posting-blocks.js';
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
  /** BM25 term frequencies of the chunks (analyzeWrite), computed ahead so the write does no analysis. */
  analysis?: DocumentAnalysis;
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
 * How much one statement of writeDocuments carries. A batch of small documents fits in one statement
 * per table; a large document (50 MB of text: ~25k chunks, ~4M postings) is cut into statements of
 * at most these sizes, so no parameter, and no PostgreSQL working set, grows with the document.
 */
export interface StatementLimits {
  /** Bytes of chunk rows (JSON: text, terms, fields) per INSERT INTO chunks. */
  chunkRowBytes: number;
  /** Postings per INSERT INTO posting_blocks (whole blocks; a block alone may exceed it). */
  postings: number;
}

/**
 * 4 MiB of chunk rows and 256k postings (~2 MB of digits): eight times a default batch of small
 * files (DEFAULT_BATCH_BYTES of text), so those still take one statement each. On PGlite a 50 MB
 * document as one statement per table failed ("Invalid array length") at 2.4 GB peak RSS; cut
 * (bench/small-files.ts --big-mb 52: 37,841 chunks, 26 + 15 statements) it peaked at 847 MB.
 */
export const DEFAULT_STATEMENT_LIMITS: StatementLimits = { chunkRowBytes: 4 * 1024 * 1024, postings: 256 * 1024 };

/**
 * Writes documents inside the caller's transaction, a handful of statements for the whole batch
 * (more for a large document, see StatementLimits): upsert the rows, replace their chunks, BM25
 * postings and embeddings. Returns one outcome per write (same order) with the deltas for the
 * tenant's collection statistics.
 */
export async function writeDocuments(
  tx: Queryable,
  writes: DocumentWrite[],
  analyzer: Analyzer,
  titleWeight: number,
  limits: StatementLimits = DEFAULT_STATEMENT_LIMITS,
): Promise<WriteOutcome[]> {
  if (writes.length === 0) return [];
  const tenant = writes[0].tenant;
  const externalIds = writes.map((w) => w.document.externalId);
  const previous = await tx.query<{ id: number; external_id: string; chunk_count: number; length: number }>(
    `SELECT d.id, d.external_id, d.chunk_count,
            COALESCE((SELECT sum(term_count) FROM chunks c WHERE c.document_id = d.id), 0)::int AS length
       FROM documents d WHERE d.tenant = $1 AND d.external_id = ANY($2::text[]) FOR UPDATE`,
    [tenant, externalIds],
  );
  const old = new Map(previous.rows.map((r) => [r.external_id, r]));
  if (old.size > 0) await deleteChunksOf(tx, [...old.values()].map((r) => r.id));
  const upserted = await tx.query<{ id: number; external_id: string; version: number }>(
    `INSERT INTO documents (tenant, external_id, source, location, title, content_hash, config_hash, metadata, chunk_count, token_count)
     SELECT $1, r.external_id, r.source, r.location, r.title, r.content_hash, r.config_hash, COALESCE(r.metadata, '{}'::jsonb), r.chunk_count, r.token_count
       FROM jsonb_to_recordset($2::jsonb) AS r(external_id text, source text, location text, title text, content_hash text, config_hash text,
                                               metadata jsonb, chunk_count int, token_count int)
     ON CONFLICT (tenant, external_id) DO UPDATE SET source = EXCLUDED.source, location = EXCLUDED.location, title = EXCLUDED.title,
       content_hash = EXCLUDED.content_hash, config_hash = EXCLUDED.config_hash, metadata = EXCLUDED.metadata,
       chunk_count = EXCLUDED.chunk_count, token_count = EXCLUDED.token_count,
       version = documents.version + 1, updated_at = now()
     RETURNING id, external_id, version`,
    [
      tenant,
      JSON.stringify(
        writes.map((w) => ({
          external_id: w.document.externalId,
          source: w.document.source,
          location: w.document.location ?? null,
          title: w.document.title,
          content_hash: w.contentHash,
          config_hash: w.configHash,
          metadata: w.document.metadata,
          chunk_count: w.chunks.length,
          token_count: w.chunks.reduce((sum, c) => sum + c.tokenCount, 0),
        })),
      ),
    ],
  );
  const docByExternal = new Map(upserted.rows.map((r) => [r.external_id, r]));

  const outcomes: WriteOutcome[] = [];
  const analyses: DocumentAnalysis[] = [];
  let chunkCount = 0;
  for (const write of writes) {
    const row = docByExternal.get(write.document.externalId)!;
    const before = old.get(write.document.externalId);
    const analysis = write.analysis ?? analyzeWrite(write, analyzer, titleWeight);
    analyses.push(analysis);
    let lengthDelta = before ? -before.length : 0;
    for (let c = 0; c < write.chunks.length; c += 1) lengthDelta += analysis.termCounts[c];
    chunkCount += write.chunks.length;
    outcomes.push({
      documentId: row.id,
      status: before ? 'updated' : 'added',
      version: row.version,
      chunkDelta: write.chunks.length - (before?.chunk_count ?? 0),
      lengthDelta,
    });
  }
  if (chunkCount === 0) return outcomes;
  // Posting blocks of at most BLOCK_CHUNKS chunks each, in insertion order (see migrations/0006).
  const blocks = await tx.query<{ id: number }>("SELECT nextval('posting_block_seq') AS id FROM generate_series(1, $1::int)", [Math.ceil(chunkCount / BLOCK_CHUNKS)]);
  const blockIds = blocks.rows.map((r) => Number(r.id));
  const blockOf = (i: number): number => blockIds[Math.floor(i / BLOCK_CHUNKS)];
  // Chunk rows go in pieces of at most limits.chunkRowBytes, each rendered as it is built (no await
  // in between, so the row objects die young) and sent before the next is built.
  const chunkId = new Map<string, number>();
  let rows = jsonArrayWriter();
  const sendRows = async (): Promise<void> => {
    if (rows.rows === 0) return;
    const rowsJson = rows.finish();
    rows = jsonArrayWriter();
    const inserted = await tx.query<{ id: number; document_id: number; ordinal: number }>(
      `INSERT INTO chunks (document_id, tenant, ordinal, text, token_count, heading_path, page, char_start, char_end, metadata, term_count, posting_block, terms, term_order)
       SELECT r.document_id, $1, r.ordinal, r.text, r.token_count, r.heading_path, r.page, r.char_start, r.char_end, COALESCE(r.metadata, '{}'::jsonb), r.term_count, r.posting_block,
              string_to_array(r.terms, E'\x1f'), decode(r.term_order, 'base64')
         FROM jsonb_to_recordset(convert_from($2::bytea, 'UTF8')::jsonb) AS r(document_id bigint, ordinal int, text text, token_count int, heading_path text[], page int,
                                                 char_start int, char_end int, metadata jsonb, term_count int, posting_block bigint, terms text, term_order text)
       RETURNING id, document_id, ordinal`,
      [tenant, rowsJson],
    );
    for (const r of inserted.rows) chunkId.set(`${r.document_id}:${r.ordinal}`, Number(r.id));
  };
  let rowIndex = 0;
  for (const [w, write] of writes.entries()) {
    const documentId = outcomes[w].documentId;
    for (const [c, chunk] of write.chunks.entries()) {
      rows.add({
        document_id: documentId,
        ordinal: chunk.ordinal,
        text: chunk.text,
        token_count: chunk.tokenCount,
        heading_path: chunk.headingPath,
        page: chunk.page ?? null,
        char_start: chunk.charStart,
        char_end: chunk.charEnd,
        metadata: chunk.metadata,
        term_count: analyses[w].termCounts[c],
        posting_block: blockOf(rowIndex++),
        // One string, split by PostgreSQL: decoding a JSON array into text[] per chunk was most of
        // this statement's time (~50 of 80 ms a batch). Terms never hold the unit separator.
        terms: chunkTerms(analyses[w], c).join('\x1f'),
        // Indexes into `terms` above, in text order (migrations/0016); null when not known.
        term_order: encodeTermOrder(analyses[w], c)?.toString('base64') ?? null,
      });
      if (rows.bytes >= limits.chunkRowBytes) await sendRows();
    }
  }
  await sendRows();
  const entries: BlockEntry[] = [];
  writes.forEach((write, w) => {
    const documentId = outcomes[w].documentId;
    write.chunks.forEach((chunk, c) => entries.push({ chunkId: chunkId.get(`${documentId}:${chunk.ordinal}`)!, blockId: blockOf(entries.length), analysis: analyses[w], chunk: c }));
  });
  for (const piece of blockGroups(entries, limits.postings)) await writePostingBlocks(tx, tenant, piece);
  const embedded = writes.filter((w) => w.embeddings && w.embedderId !== undefined);
  let ids: number[] = [];
  let vectors: string[] = [];
  let vectorBytes = 0;
  const sendVectors = async (): Promise<void> => {
    if (ids.length === 0) return;
    await tx.query(
      `INSERT INTO chunk_embeddings (embedder_id, chunk_id, tenant, embedding)
       SELECT $1, e.chunk_id, $2, e.embedding::vector FROM unnest($3::bigint[], $4::text[]) AS e(chunk_id, embedding)`,
      [embedded[0].embedderId, tenant, ids, vectors],
    );
    [ids, vectors, vectorBytes] = [[], [], 0];
  };
  for (const w of embedded) {
    const documentId = docByExternal.get(w.document.externalId)!.id;
    for (const [i, c] of w.chunks.entries()) {
      ids.push(chunkId.get(`${documentId}:${c.ordinal}`)!);
      const vector = vectorLiteral(w.embeddings![i]);
      vectors.push(vector);
      vectorBytes += vector.length;
      // Vectors as text are about as large as the chunk rows: the same bound per statement.
      if (vectorBytes >= limits.chunkRowBytes) await sendVectors();
    }
  }
  await sendVectors();
  return outcomes;
}

/** Deletes documents by id within a tenant; returns the statistics deltas and the deleted ids. */
export async function deleteDocuments(tx: Queryable, tenant: string, documentIds: number[]): Promise<{ deleted: number[]; chunkDelta: number; lengthDelta: number }> {
  if (documentIds.length === 0) return { deleted: [], chunkDelta: 0, lengthDelta: 0 };
  const stats = await tx.query<{ chunks: number; length: number }>(
    'SELECT count(*)::int AS chunks, COALESCE(sum(term_count), 0)::int AS length FROM chunks WHERE tenant = $1 AND document_id = ANY($2::bigint[])',
    [tenant, documentIds],
  );
  await deleteChunksOf(tx, documentIds);
  const deleted = await tx.query<{ id: number }>('DELETE FROM documents WHERE tenant = $1 AND id = ANY($2::bigint[]) RETURNING id', [tenant, documentIds]);
  return { deleted: deleted.rows.map((r) => r.id), chunkDelta: -stats.rows[0].chunks, lengthDelta: -stats.rows[0].length };
}

/** Deletes documents' chunks and takes them out of their posting blocks (no foreign key reaches into the arrays). */
async function deleteChunksOf(tx: Queryable, documentIds: number[]): Promise<void> {
  // First lock the rows to rewrite, in one fixed order: a concurrent writer rewriting the same
  // rows then waits here (no deadlock), and the rewrite below, a new statement with a new snapshot,
  // reads their committed arrays. Rewriting without the lock lost the other writer's removals.
  await tx.query(
    `SELECT count(*) FROM (
       SELECT 1 FROM posting_blocks p
         JOIN (SELECT DISTINCT c.tenant, t.term, c.posting_block AS block_id
                 FROM chunks c CROSS JOIN LATERAL unnest(c.terms) AS t(term) WHERE c.document_id = ANY($1::bigint[])) h
           ON p.tenant = h.tenant AND p.term = h.term AND p.block_id = h.block_id
        ORDER BY p.tenant, p.term, p.block_id
          FOR UPDATE OF p) locked`,
    [documentIds],
  );
  // Each deleted chunk names its block and its terms: exactly the rows to rewrite, found by primary
  // key. Entries of deleted chunks are dropped with a hash anti-join; a row left empty gets n = 0
  // and is removed by the next statement (through the partial index on empty rows).
  const { rows } = await tx.query<{ tenant: string }>(
    `WITH gone AS (
       DELETE FROM chunks WHERE document_id = ANY($1::bigint[]) RETURNING id, tenant, posting_block, terms
     ), hit AS (
       SELECT DISTINCT g.tenant, t.term, g.posting_block AS block_id FROM gone g CROSS JOIN LATERAL unnest(g.terms) AS t(term)
     ), kept AS (
       SELECT h.tenant, h.term, h.block_id, u.c, u.t, u.d, u.o
         FROM hit h JOIN posting_blocks p ON p.tenant = h.tenant AND p.term = h.term AND p.block_id = h.block_id
         CROSS JOIN LATERAL unnest(p.chunk_ids, p.tfs, p.dls) WITH ORDINALITY AS u(c, t, d, o)
        WHERE NOT EXISTS (SELECT 1 FROM gone g WHERE g.id = u.c)
     ), rebuilt AS (
       SELECT tenant, term, block_id, array_agg(c ORDER BY o) AS ids, array_agg(t ORDER BY o) AS tfs, array_agg(d ORDER BY o) AS dls, count(*)::int AS n
         FROM kept GROUP BY tenant, term, block_id
     ), changed AS (
       UPDATE posting_blocks p
          SET chunk_ids = COALESCE(r.ids, '{}'), tfs = COALESCE(r.tfs, '{}'), dls = COALESCE(r.dls, '{}'), n = COALESCE(r.n, 0)
         FROM hit h LEFT JOIN rebuilt r ON r.tenant = h.tenant AND r.term = h.term AND r.block_id = h.block_id
        WHERE p.tenant = h.tenant AND p.term = h.term AND p.block_id = h.block_id
       RETURNING p.tenant, p.n
     )
     SELECT DISTINCT tenant FROM changed WHERE n = 0`,
    [documentIds],
  );
  for (const { tenant } of rows) await tx.query('DELETE FROM posting_blocks WHERE tenant = $1 AND n = 0', [tenant]);
}

/**
 * Appends the collection-statistics delta of one transaction and bumps the tenant's index version.
 * Every transaction that changes a tenant's postings must call it: the in-process posting cache
 * (retrieve/posting-cache.ts) trusts held lists exactly as long as this version stays the same.
 */
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

