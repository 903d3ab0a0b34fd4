import { maintainTables } from '../db/maintenance.js';
import type { Db } from '../db/types.js';
import { GroundworkError } from '../errors.js';
import type { Embedder } from '../models/types.js';
import { ANALYZER_VERSION, type Analyzer } from '../search-index/analyzer.js';
import { bindEmbedderForIngest, switchToBuildingEmbedder } from '../search-index/embedder-binding.js';
import { compactTermStats, DEFAULT_STATEMENT_LIMITS, deleteDocuments, existingDocuments, recordIndexChange, writeDocuments, type DocumentWrite, type StatementLimits, type WriteOutcome } from './document-store.js';
import { analyzeWrite } from '../search-index/document-analysis.js';
import { hashJson } from './stable-hash.js';
import { defaultPrepareWorkers, PrepareWorkerOutOfMemory, startPrepareWorkers, type PortableChunker, type PreparedDocument, type PreparePool } from './prepare-workers.js';
import type { Chunker, LoadedDocument } from './types.js';
import { withSpan } from '../monitor/tracing/with-span.js';

/** Chunks written in one run from which ingest vacuums the postings table (cheap, and it keeps scans index-only). */
export const VACUUM_AFTER_CHUNKS = 2000;
/**
 * Chunk a batch on the workers while its unchanged-check waits for the write in flight when at least
 * this share of the previous batch was new or changed: a first ingest always, a re-run of an
 * unchanged corpus never (it would chunk what it then skips).
 */
const SPECULATE_FROM_CHANGED_SHARE = 0.5;
/**
 * Documents per job sent to the workers while a batch is still being read: the batch is mostly
 * chunked by the time it is complete, instead of starting then (small files: the writer waited
 * for the workers at every batch).
 */
const CHUNK_AHEAD_DOCUMENTS = 32;
/** The tables an ingest writes that queries plan over (see maintainTables). */
const INGEST_TABLES = ['documents', 'chunks', 'chunk_embeddings', 'posting_blocks'];

/** One unit from a source: a loaded document, or a file skipped with its reason. */
export type SourceItem = { document: LoadedDocument } | { skip: { path: string; reason: string } };

export interface IngestSummary {
  documents: { added: number; updated: number; unchanged: number; deleted: number; skipped: number };
  chunks: number;
  tokens: number;
  skipped: Array<{ path: string; reason: string }>;
  /** Inputs truncated by the embedder at its limit (chunking should keep this 0). */
  truncated: number;
  embedder?: string;
  /** Chunks embedded in this run and the time the embedder spent on them (its own rate, beside the run's). */
  embedding?: { chunks: number; ms: number };
  /** Where documents were chunked and analyzed: worker threads, or this thread and why. */
  prepare?: PrepareMode;
  /** Things worth knowing that did not fail the run. */
  notices: string[];
  dryRun: boolean;
  durationMs: number;
}

/** Where a run chunked and analyzed its documents. */
export type PrepareMode = { mode: 'workers'; workers: number } | { mode: 'in-thread'; reason: string };

export interface IngestProgress {
  files: number;
  /** Files found so far when the source knows it (for ETA). */
  totalFiles?: number;
  chunks: number;
  tokens: number;
  bytes: number;
  /** Chunks embedded so far (sentences/s for the progress bar), when the run embeds. */
  embedded?: number;
}

export interface IngestPipelineOptions {
  db: Db;
  tenant: string;
  chunker: Chunker;
  /**
   * The same chunker as configuration a worker thread can rebuild (built-in chunkers counting with
   * tiktoken: portableChunkerSpec), or why it cannot be. Absent: documents are chunked on this thread.
   */
  portableChunker?: PortableChunker;
  /**
   * Worker threads that chunk and analyze documents (0: this thread). Default: defaultPrepareWorkers(),
   * once a run holds more than one batch (starting workers costs more than one batch saves).
   */
  prepareWorkers?: number;
  analyzer: Analyzer;
  /** Everything that changes the chunks: part of each document's configuration hash. */
  configFingerprint: Record<string, unknown>;
  titleWeight: number;
  embedder?: Embedder;
  /** Build the configured embedder's index beside the active one, then switch. */
  reembed?: boolean;
  /** Documents per transaction (each with its own savepoint). */
  batchDocuments?: number;
  /** Text bytes per transaction: a batch also ends here, so memory stays bounded whatever the document sizes. */
  batchBytes?: number;
  dryRun?: boolean;
  /** Delete documents under these source prefixes that this run did not see. */
  prune?: { sourcePrefixes: string[] };
  onProgress?: (progress: IngestProgress) => void;
  /** Called after each commit with the ids of documents changed or deleted (cache invalidation). */
  onDocumentsChanged?: (tenant: string, documentIds: number[]) => Promise<void> | void;
  /** How much one write statement carries (default DEFAULT_STATEMENT_LIMITS; tests lower it). */
  statementLimits?: StatementLimits;
  /** Test hook: runs inside each document's savepoint, before its write. */
  beforeWriteDocument?: (document: LoadedDocument) => Promise<void> | void;
}

/**
 * Text per batch before it is written: with up to three batches in memory (two being written, one
 * being prepared) and their chunks, analyses and statement parameters, this bounds the pipeline's
 * working set whatever the document sizes. Measured on 100 MB of 200 KB Markdown files
 * (bench/ingest.ts): 512 KiB gave 1,900-2,000 chunks/s and 976 MB peak RSS, 4 MiB 1,600-1,700
 * chunks/s and ~1,370 MB, 16 MiB 1,600 and 1,767 MB: smaller batches keep less short-lived data
 * alive long enough to be promoted to V8's old space. With one prepare worker (the default on two
 * cores), 100 MB: 256 KiB 2,850-2,900 chunks/s and 885 MB, 512 KiB 2,960-3,020 and 915 MB, 1 MiB
 * 3,080-3,140 and 962-966 MB.
 */
export const DEFAULT_BATCH_BYTES = 512 * 1024;

export { hashJson };

/** Content hash of a loaded document: text, title and metadata (what ends up stored). */
export function contentHash(document: LoadedDocument): string {
  return hashJson({ text: document.text, title: document.title, source: document.source, ...(document.location ? { location: document.location } : {}), metadata: document.metadata, sections: document.sections ?? null });
}

/**
 * The ingest pipeline: source items -> chunk -> embed -> one transaction per batch with a
 * savepoint per document. Unchanged documents (same content and configuration hash) are skipped
 * before any chunking. Memory stays bounded by the batch size. Chunking and BM25 analysis run on
 * worker threads (prepare-workers.ts) when the chunker is a built-in one described by
 * `portableChunker`, with the same results; `summary.prepare` says which path ran.
 */
export async function runIngest(source: AsyncIterable<SourceItem> | Iterable<SourceItem>, options: IngestPipelineOptions): Promise<IngestSummary> {
  const started = performance.now();
  const { db, tenant } = options;
  const batchSize = options.batchDocuments ?? 64;
  const batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
  const statementLimits = options.statementLimits ?? DEFAULT_STATEMENT_LIMITS;
  const summary: IngestSummary = {
    documents: { added: 0, updated: 0, unchanged: 0, deleted: 0, skipped: 0 },
    chunks: 0,
    tokens: 0,
    skipped: [],
    truncated: 0,
    embedder: options.embedder?.id,
    prepare: { mode: 'in-thread', reason: 'no document needed chunking' },
    notices: [],
    dryRun: options.dryRun ?? false,
    durationMs: 0,
  };
  const progress: IngestProgress = { files: 0, chunks: 0, tokens: 0, bytes: 0, ...(options.embedder && !options.dryRun ? { embedded: 0 } : {}) };
  const configHash = hashJson({ ...options.configFingerprint, analyzer: options.analyzer.version, titleWeight: options.titleWeight });
  const seen = new Set<string>();
  let embedderBinding: { embedderId: number; role: 'active' | 'building' } | undefined;
  if (options.embedder && !options.dryRun) embedderBinding = await bindEmbedderForIngest(db, tenant, options.embedder, options.reembed ?? false);
  const truncatedBefore = options.embedder?.truncatedCount ?? 0;

  let batch: LoadedDocument[] = [];
  let batchTextBytes = 0;
  // Pipelined in three stages that run side by side: this thread reads, chunks and analyzes a
  // batch (chunking on worker threads when it can be); the embedder embeds the batch before it (a
  // local model on its own threads, a remote one over HTTP); earlier batches are written
  // (PostgreSQL's work, on up to two connections of a server; one for PGlite, which is
  // single-threaded). Batches are embedded one at a time in order, and each is written once it
  // is embedded. At most `writers + 2` batches are in memory. After a failure nothing more is
  // embedded or written: batches already committed stay, the failed one keeps its previous version.
  const writers = db.kind === 'postgres' ? 2 : 1;
  const inFlight = new Set<Promise<void>>();
  let pipelineError: unknown;
  let embedding: Promise<void> = Promise.resolve();
  const flush = async (lastBatch: boolean): Promise<void> => {
    if (batch.length === 0) return;
    const current = batch;
    const early = chunkingAhead;
    batch = [];
    batchTextBytes = 0;
    chunkingAhead = [];
    const prepared = await withSpan('ingest prepare batch', { 'groundwork.ingest.documents': current.length }, () => prepareBatch(current, lastBatch, early));
    while (inFlight.size >= writers + 1) await Promise.race(inFlight);
    if (pipelineError) throw pipelineError;
    const embedded = embedding.then(() => {
      if (pipelineError === undefined) return embedBatch(prepared.writes);
    });
    // Recorded here, before the next batch's embedding can start, so it never starts after a failure.
    embedding = embedded.catch((error: unknown) => {
      pipelineError ??= error;
    });
    const stage: Promise<void> = embedded
      .then(() => {
        if (pipelineError === undefined) return withSpan('ingest write batch', { 'groundwork.ingest.documents': prepared.writes.length }, () => writeBatch(prepared));
      })
      .catch((error: unknown) => {
        pipelineError ??= error;
      })
      .finally(() => inFlight.delete(stage));
    inFlight.add(stage);
  };
  const drain = async (): Promise<void> => {
    await Promise.all(inFlight);
    if (pipelineError) throw pipelineError;
  };

  // The embedding stage: one call per batch, so the embedder plans its own forward passes (a
  // local model sorts the batch's chunks by length and pads per bucket).
  const embedBatch = async (writes: DocumentWrite[]): Promise<void> => {
    if (!options.embedder || !embedderBinding || writes.length === 0) return;
    const texts = writes.flatMap((w) => w.chunks.map((c) => c.text));
    if (texts.length === 0) return;
    const started = performance.now();
    const vectors = await withSpan('ingest embed batch', { 'groundwork.ingest.chunks': texts.length }, () => options.embedder!.embedDocuments(texts));
    if (vectors.length !== texts.length) throw new GroundworkError('PROVIDER', `${options.embedder.id} returned ${vectors.length} vectors for ${texts.length} texts`);
    let at = 0;
    for (const write of writes) {
      write.embeddings = vectors.slice(at, at + write.chunks.length);
      write.embedderId = embedderBinding.embedderId;
      at += write.chunks.length;
    }
    summary.embedding ??= { chunks: 0, ms: 0 };
    summary.embedding.chunks += texts.length;
    summary.embedding.ms += performance.now() - started;
    progress.embedded = (progress.embedded ?? 0) + texts.length;
    options.onProgress?.(progress);
  };

  // Chunking and BM25 analysis, the pipeline's main JavaScript cost, run on worker threads when the
  // chunker can be rebuilt there; started at the first batch that needs chunking. Starting takes
  // ~0.4 s (modules and tiktoken's ranks in each worker): unless it is the last, the batch that
  // starts them is prepared on this thread meanwhile, and the next ones wait for them.
  let pool: PreparePool | undefined;
  let poolDecided = false;
  let poolStarting: Promise<void> | undefined;
  const preparePool = async (lastBatch: boolean): Promise<PreparePool | undefined> => {
    if (poolDecided) {
      await poolStarting;
      return pool;
    }
    poolDecided = true;
    const choice = workerChunker(options, lastBatch);
    if ('reason' in choice) {
      summary.prepare = { mode: 'in-thread', reason: choice.reason };
      return undefined;
    }
    const workers = options.prepareWorkers ?? defaultPrepareWorkers();
    summary.prepare = { mode: 'workers', workers };
    poolStarting = startPrepareWorkers({ ...choice.spec, titleWeight: options.titleWeight }, workers).then(
      (started) => {
        pool = started;
      },
      (error: unknown) => {
        const message = (error as Error).message;
        summary.prepare = { mode: 'in-thread', reason: `prepare workers failed to start: ${message}` };
        summary.notices.push(`documents were chunked on the main thread: ${workers} prepare worker thread(s) failed to start (${message})`);
      },
    );
    if (!lastBatch) return undefined;
    await poolStarting;
    return pool;
  };
  let uncloneableNoticed = false;

  // Share of the last batch's documents that were new or changed (see prepareBatch).
  let changedShare = 1;
  // Jobs sent to the workers for the batch being read, CHUNK_AHEAD_DOCUMENTS documents each.
  let chunkingAhead: Array<Promise<PreparedDocument[] | undefined>> = [];
  const chunkAhead = (): void => {
    if (!pool || changedShare < SPECULATE_FROM_CHANGED_SHARE) return;
    const sent = chunkingAhead.length * CHUNK_AHEAD_DOCUMENTS;
    if (batch.length - sent < CHUNK_AHEAD_DOCUMENTS) return;
    const job = pool.prepare(batch.slice(sent, sent + CHUNK_AHEAD_DOCUMENTS));
    job.catch(() => undefined); // awaited in prepareBatch
    chunkingAhead.push(job);
  };
  const prepareBatch = async (
    documents: LoadedDocument[],
    lastBatch: boolean,
    early: Array<Promise<PreparedDocument[] | undefined>>,
  ): Promise<{ writes: DocumentWrite[]; existing: Map<string, unknown> }> => {
    const checking = existingDocuments(db, tenant, documents.map((d) => d.externalId));
    // PGlite runs one transaction at a time, so this check waits for the batch being written, and
    // chunking after it left the workers idle during every write and the writer idle during every
    // chunking. While most documents come out new or changed, the workers chunk the batch ahead
    // (its first documents already while it was read, see chunkAhead); the results of those found
    // unchanged are dropped.
    let speculative: Promise<PreparedDocument[] | undefined> | undefined;
    if (pool && (early.length > 0 || changedShare >= SPECULATE_FROM_CHANGED_SHARE)) {
      const sent = early.length * CHUNK_AHEAD_DOCUMENTS;
      const parts = sent < documents.length ? [...early, pool.prepare(documents.slice(sent))] : early;
      speculative = Promise.all(parts).then((results) => (results.some((r) => r === undefined) ? undefined : (results as PreparedDocument[][]).flat()));
      speculative.catch(() => undefined); // awaited below, or not needed
    }
    const hashes = documents.map((document) => contentHash(document));
    const existing = await checking;
    const changed: Array<{ document: LoadedDocument; hash: string; position: number }> = [];
    documents.forEach((document, position) => {
      const hash = hashes[position];
      const previous = existing.get(document.externalId);
      if (previous && previous.contentHash === hash && previous.configHash === configHash) {
        summary.documents.unchanged += 1;
        return;
      }
      changed.push({ document, hash, position });
    });
    changedShare = changed.length / documents.length;
    const workers = changed.length > 0 ? await preparePool(lastBatch) : undefined;
    let prepared: PreparedDocument[] | undefined;
    if (workers) {
      try {
        if (speculative) {
          const all = await speculative;
          prepared = all && changed.map((c) => all[c.position]);
        } else {
          prepared = await workers.prepare(changed.map((c) => c.document));
        }
      } catch (error) {
        if (!(error instanceof PrepareWorkerOutOfMemory)) throw error;
        // A document too big for a worker's heap: this batch and the rest of the run are prepared here.
        await workers.close();
        pool = undefined;
        const largest = changed.reduce((a, b) => (b.document.text.length > a.document.text.length ? b : a)).document;
        summary.notices.push(`${error.message} on a batch of ${changed.length} document(s), the largest ${largest.source}: it and the rest of the run were chunked on the main thread`);
      }
      if (pool && !prepared && !uncloneableNoticed) {
        uncloneableNoticed = true;
        summary.notices.push('some batches were chunked on the main thread: their documents hold values that cannot be copied to a worker thread');
      }
    }
    const writes: DocumentWrite[] = [];
    for (const [index, { document, hash }] of changed.entries()) {
      let chunks;
      let analysis;
      if (prepared) {
        const result = prepared[index];
        if ('chunkingError' in result) {
          skip(document.source, `chunking failed: ${result.chunkingError}`);
          continue;
        }
        ({ chunks, analysis } = result);
      } else {
        try {
          chunks = await options.chunker.chunk(document);
        } catch (error) {
          skip(document.source, `chunking failed: ${(error as Error).message}`);
          continue;
        }
      }
      writes.push({ tenant, document, contentHash: hash, configHash, chunks, analysis });
    }
    for (const write of writes) write.analysis ??= analyzeWrite(write, options.analyzer, options.titleWeight);
    return { writes, existing };
  };

  const writeBatch = async ({ writes, existing }: { writes: DocumentWrite[]; existing: Map<string, unknown> }): Promise<void> => {
    if (options.dryRun) {
      for (const write of writes) countWrite(write, existing.has(write.document.externalId) ? 'updated' : 'added');
      return;
    }
    if (writes.length === 0) return;
    const changed: number[] = [];
    await db.transaction(async (tx) => {
      let chunkDelta = 0;
      let lengthDelta = 0;
      const outcomes: Array<{ write: DocumentWrite; status: 'added' | 'updated' }> = [];
      const apply = (written: WriteOutcome[], batchWrites: DocumentWrite[]): void => {
        written.forEach((outcome, i) => {
          chunkDelta += outcome.chunkDelta;
          lengthDelta += outcome.lengthDelta;
          changed.push(outcome.documentId);
          outcomes.push({ write: batchWrites[i], status: outcome.status });
        });
      };
      // Fast path: the whole batch in a few statements. If anything in it fails, redo it one
      // document per savepoint so only the bad document rolls back.
      await tx.query('SAVEPOINT gw_batch');
      try {
        for (const write of writes) await options.beforeWriteDocument?.(write.document);
        apply(await writeDocuments(tx, writes, options.analyzer, options.titleWeight, statementLimits), writes);
        await tx.query('RELEASE SAVEPOINT gw_batch');
      } catch {
        await tx.query('ROLLBACK TO SAVEPOINT gw_batch');
        chunkDelta = 0;
        lengthDelta = 0;
        changed.length = 0;
        outcomes.length = 0;
        for (const write of writes) {
          await tx.query('SAVEPOINT gw_document');
          try {
            await options.beforeWriteDocument?.(write.document);
            apply(await writeDocuments(tx, [write], options.analyzer, options.titleWeight, statementLimits), [write]);
            await tx.query('RELEASE SAVEPOINT gw_document');
          } catch (error) {
            await tx.query('ROLLBACK TO SAVEPOINT gw_document');
            skip(write.document.source, `write failed, previous version kept: ${(error as Error).message}`);
          }
        }
      }
      if (outcomes.length > 0) await recordIndexChange(tx, tenant, chunkDelta, lengthDelta);
      // Count only after the commit is certain to be attempted with these rows.
      for (const { write, status } of outcomes) countWrite(write, status);
    });
    if (changed.length > 0) await options.onDocumentsChanged?.(tenant, changed);
  };

  const countWrite = (write: DocumentWrite, status: 'added' | 'updated'): void => {
    summary.documents[status] += 1;
    summary.chunks += write.chunks.length;
    const tokens = write.chunks.reduce((s, c) => s + c.tokenCount, 0);
    summary.tokens += tokens;
    progress.chunks += write.chunks.length;
    progress.tokens += tokens;
  };

  const skip = (path: string, reason: string): void => {
    summary.documents.skipped += 1;
    summary.skipped.push({ path, reason });
  };

  try {
    for await (const item of source) {
      if ('skip' in item) {
        skip(item.skip.path, item.skip.reason);
        continue;
      }
      const document = item.document;
      if (seen.has(document.externalId)) {
        skip(document.source, `duplicate document id ${document.externalId} in this run; the first one was kept`);
        continue;
      }
      seen.add(document.externalId);
      // A full batch goes once the next document shows there is more: then it is not the last.
      if (batch.length >= batchSize || batchTextBytes >= batchBytes) await flush(false);
      progress.files += 1;
      const bytes = Buffer.byteLength(document.text);
      progress.bytes += bytes;
      batch.push(document);
      batchTextBytes += bytes;
      chunkAhead();
      options.onProgress?.(progress);
    }
    await flush(true);
  } catch (error) {
    // Batches already embedded finish their writes before the run fails, so what is stored when
    // it rejects stays stored; none starts after the failure (see flush).
    pipelineError ??= error;
    await Promise.allSettled(inFlight);
    throw error;
  } finally {
    // Workers end here, on success and on failure, so they never hold the process open.
    await poolStarting;
    await pool?.close();
  }
  await drain();
  options.onProgress?.(progress);

  if (options.prune && !options.dryRun) summary.documents.deleted = await prune(options, seen);
  if (embedderBinding && options.embedder && !options.dryRun) {
    await backfillEmbeddings(db, tenant, options.embedder, embedderBinding.embedderId, batchSize * 8);
    if (embedderBinding.role === 'building') await switchToBuildingEmbedder(db, tenant);
  }
  if (!options.dryRun) await compactTermStats(db, tenant);
  // PGlite has no autovacuum: without this its planner never learns the tables grew (dense
  // queries sorted every chunk instead of walking the HNSW index). A server's autovacuum does it.
  // Embeddings are analyzed only: vacuuming an HNSW index is slow there (see MaintainOptions).
  let maintained: string[] = [];
  if (!options.dryRun) {
    try {
      maintained = await maintainTables(db, INGEST_TABLES, { analyzeOnly: ['chunk_embeddings'] });
    } catch (error) {
      summary.notices.push(`gathering statistics after ingest failed (${(error as Error).message}); queries may stay slower until the next ingest`);
    }
  }
  // After a large write, VACUUM sets the visibility map so BM25's index-only scans stop visiting
  // the heap: measured 2.4x faster sparse queries right after a 100k-chunk ingest.
  if (!options.dryRun && summary.chunks >= VACUUM_AFTER_CHUNKS && !maintained.includes('posting_blocks')) {
    try {
      await db.exec('VACUUM (ANALYZE) posting_blocks');
    } catch (error) {
      summary.notices.push(`VACUUM after ingest failed (${(error as Error).message}); sparse queries stay slower until autovacuum runs`);
    }
  }
  summary.truncated = (options.embedder?.truncatedCount ?? 0) - truncatedBefore;
  if (summary.embedding) summary.embedding.ms = Math.round(summary.embedding.ms);
  summary.durationMs = Math.round(performance.now() - started);
  return summary;

  async function prune(opts: IngestPipelineOptions, kept: Set<string>): Promise<number> {
    const prefixes = opts.prune!.sourcePrefixes;
    const { rows } = await db.query<{ id: number; external_id: string }>(
      // location: the file's absolute path (source is relative to its root); rows from before 0008 have only source.
      'SELECT id, external_id FROM documents WHERE tenant = $1 AND EXISTS (SELECT 1 FROM unnest($2::text[]) p WHERE starts_with(COALESCE(location, source), p))',
      [tenant, prefixes],
    );
    const gone = rows.filter((r) => !kept.has(r.external_id)).map((r) => r.id);
    if (gone.length === 0) return 0;
    const deleted = await db.transaction(async (tx) => {
      const result = await deleteDocuments(tx, tenant, gone);
      await recordIndexChange(tx, tenant, result.chunkDelta, result.lengthDelta);
      return result.deleted;
    });
    await opts.onDocumentsChanged?.(tenant, deleted);
    return deleted.length;
  }
}

/** The chunker worker threads build for this run, or why the run prepares its documents on this thread. */
function workerChunker(options: IngestPipelineOptions, lastBatch: boolean): PortableChunker {
  const portable = options.portableChunker;
  if (options.prepareWorkers === 0) return { reason: 'prepareWorkers is 0' };
  if (!portable) return { reason: `chunker ${options.chunker.name} has no description a worker thread can build from` };
  if ('reason' in portable) return portable;
  if (options.analyzer.version !== ANALYZER_VERSION) return { reason: `analyzer ${options.analyzer.version} is not the built-in one the workers use` };
  // Starting workers (loading tiktoken's ranks in each) costs more than one batch saves.
  if (options.prepareWorkers === undefined && lastBatch) return { reason: 'the run fit in one batch' };
  return portable;
}

/** Embeds the tenant's chunks that have no embedding from this embedder yet (first bind, re-embed). */
export async function backfillEmbeddings(db: Db, tenant: string, embedder: Embedder, embedderId: number, batch = 512): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await db.query<{ id: number; text: string }>(
      `SELECT c.id, c.text FROM chunks c
        WHERE c.tenant = $1 AND NOT EXISTS (SELECT 1 FROM chunk_embeddings e WHERE e.embedder_id = $2 AND e.chunk_id = c.id)
        ORDER BY c.id LIMIT $3`,
      [tenant, embedderId, batch],
    );
    if (rows.length === 0) return total;
    const vectors = await embedder.embedDocuments(rows.map((r) => r.text));
    if (vectors.length !== rows.length) throw new GroundworkError('PROVIDER', `${embedder.id} returned ${vectors.length} vectors for ${rows.length} texts`);
    await db.query(
      `INSERT INTO chunk_embeddings (embedder_id, chunk_id, tenant, embedding)
       SELECT $1, e.chunk_id, $2, e.embedding::vector FROM unnest($3::bigint[], $4::text[]) AS e(chunk_id, embedding)
       ON CONFLICT DO NOTHING`,
      [embedderId, tenant, rows.map((r) => r.id), vectors.map((v) => `[${Array.from(v).join(',')}]`)],
    );
    total += rows.length;
  }
}
