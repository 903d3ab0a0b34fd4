import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { GroundworkError } from '../errors.js';
import { workerEntry } from '../worker-entry-url.js';
import type { ChunkerName } from './chunkers/create-chunker.js';
import type { DocumentAnalysis } from '../search-index/document-analysis.js';
import { TIKTOKEN_ENCODINGS, type TiktokenEncodingName } from '../models/tokens/tiktoken-counter.js';
import type { ChunkDraft, LoadedDocument } from './types.js';

/**
 * A built-in chunker described by configuration alone, so a worker thread can build the same one:
 * every chunker but 'semantic' (it needs the embedder), counting with a tiktoken encoding (an
 * embedder's own tokenizer lives in this thread).
 */
export interface PortableChunkerSpec {
  chunker: Exclude<ChunkerName, 'semantic'>;
  maxTokens: number;
  overlap: number;
  encoding: TiktokenEncodingName;
}

/** A chunker's portable spec, or why it has none (the pipeline then chunks in-thread). */
export type PortableChunker = { spec: PortableChunkerSpec } | { reason: string };

/** What a worker thread builds: the chunker, and the BM25 title weight for analysis. */
export interface PrepareWorkerSpec extends PortableChunkerSpec {
  titleWeight: number;
}

/** One document prepared off-thread: its chunks and their BM25 analysis, or why chunking failed. */
export type PreparedDocument = { chunks: ChunkDraft[]; analysis: DocumentAnalysis } | { chunkingError: string };

/**
 * A chunk as it travels back from a worker: without its text when that is exactly the document's
 * text between charStart and charEnd (most chunks). The receiving thread holds the document and
 * slices it, which shares its memory, instead of deserializing a copy of every chunk's text.
 */
export type ChunkOnTheWire = Omit<ChunkDraft, 'text'> & { text?: string };
export type PreparedOnTheWire = { chunks: ChunkOnTheWire[]; analysis: DocumentAnalysis } | { chunkingError: string };

/** Drops chunk texts the receiver can slice from the document itself (the worker's side). */
export function packPrepared(document: LoadedDocument, chunks: ChunkDraft[], analysis: DocumentAnalysis): PreparedOnTheWire {
  const packed = chunks.map((chunk): ChunkOnTheWire => {
    if (chunk.text.length !== chunk.charEnd - chunk.charStart || !document.text.startsWith(chunk.text, chunk.charStart)) return chunk;
    const { text: _text, ...rest } = chunk;
    return rest;
  });
  return { chunks: packed, analysis };
}

/** The memory of a prepared document's analysis arrays: moved to the receiving thread, not copied. */
export function transferables(prepared: PreparedOnTheWire): ArrayBuffer[] {
  if ('chunkingError' in prepared) return [];
  const { offsets, termIds, tfs, termCounts, orderOffsets, order, ordered } = prepared.analysis;
  return [offsets.buffer, termIds.buffer, tfs.buffer, termCounts.buffer, orderOffsets.buffer, order.buffer, ordered.buffer] as ArrayBuffer[];
}

/** Puts back the texts packPrepared dropped, in their original key order (the receiver's side). */
function unpackPrepared(document: LoadedDocument, prepared: PreparedOnTheWire): PreparedDocument {
  if ('chunkingError' in prepared) return prepared;
  const chunks = prepared.chunks.map(({ ordinal, text, ...rest }): ChunkDraft => ({ ordinal, text: text ?? document.text.slice(rest.charStart, rest.charEnd), ...rest }));
  return { chunks, analysis: prepared.analysis };
}

/** Messages between the pool and its workers. */
export type PrepareRequest = { id: number; documents: LoadedDocument[] };
export type PrepareReply = { type: 'ready' } | { type: 'prepared'; id: number; results: PreparedOnTheWire[] } | { type: 'failed'; id: number; message: string };

/**
 * A worker's V8 old generation (MiB). A worker holds one batch at a time (plus tokenizer and stemmer
 * caches), but without a limit V8 lets its heap grow with the run: on 100 MB of Markdown
 * (bench/ingest.ts, 2 cores) the worker heap peaked at 211 MB and the process at 983-1,018 MB RSS;
 * with this limit at 131 MB and 915-918 MB, at the same speed. A document too large for it is
 * prepared in-thread instead (PrepareWorkerOutOfMemory).
 */
export const WORKER_OLD_GENERATION_MB = 256;

/**
 * A worker's V8 young generation (MiB). Its garbage dies young (one document's chunks and counts at
 * a time), so a small young generation costs nothing measurable; V8 otherwise grew it to ~34 MB.
 * bench/ingest.ts, 2 cores, alternating runs: peak RSS 10 MB 337/337 vs 376/382 MB, 100 MB
 * 379-396 vs 413-422 MB, at 1,600-1,638 vs 1,538-1,588 and 2,054-2,159 vs 2,064-2,186 chunks/s.
 */
export const WORKER_YOUNG_GENERATION_MB = 8;

/** A worker ran out of its heap (WORKER_OLD_GENERATION_MB) on some document: prepare that batch in-thread. */
export class PrepareWorkerOutOfMemory extends GroundworkError {
  constructor(limitMb: number, cause: unknown) {
    super('INTERNAL', `a prepare worker ran out of memory (heap limit ${limitMb} MiB)`, { cause });
  }
}

/** Most workers by default: past this, PostgreSQL and the main thread are the limit, not chunking. */
const MAX_DEFAULT_WORKERS = 4;

/**
 * Worker threads by default: one core stays with the main thread (loading, hashing, writing),
 * the others chunk and analyze; at least one, so a two-core machine still moves that work off it.
 */
export function defaultPrepareWorkers(): number {
  return Math.max(1, Math.min(MAX_DEFAULT_WORKERS, availableParallelism() - 1));
}

/**
 * The spec of a chunker built from configuration, or why it cannot run in a worker.
 * @example portableChunkerSpec({ chunker: 'markdown', maxTokens: 512, overlap: 50, tokenizerSource: 'tiktoken', counterName: 'tiktoken:cl100k_base' })
 */
export function portableChunkerSpec(args: {
  chunker: ChunkerName;
  maxTokens: number;
  overlap: number;
  tokenizerSource: 'embedder' | 'tiktoken';
  counterName: string;
}): PortableChunker {
  if (args.chunker === 'semantic') return { reason: 'the semantic chunker needs the embedder' };
  if (args.tokenizerSource !== 'tiktoken') return { reason: `token counts come from the embedder's tokenizer (${args.counterName})` };
  const encoding = args.counterName.replace(/^tiktoken:/, '') as TiktokenEncodingName;
  if (!TIKTOKEN_ENCODINGS.includes(encoding)) return { reason: `token counter ${args.counterName} is not a tiktoken encoding a worker can load` };
  return { spec: { chunker: args.chunker, maxTokens: args.maxTokens, overlap: args.overlap, encoding } };
}

/** Worker threads that chunk and analyze documents; `close` ends them. */
export interface PreparePool {
  readonly workers: number;
  /**
   * Prepares documents (results in their order), spread over the workers by size. Undefined when
   * the documents cannot be sent to a worker (values structured clone cannot copy): prepare them here.
   */
  prepare(documents: LoadedDocument[]): Promise<PreparedDocument[] | undefined>;
  close(): Promise<void>;
}

interface PoolWorker {
  thread: Worker;
  pending: Map<number, { resolve: (results: PreparedOnTheWire[]) => void; reject: (error: unknown) => void }>;
}

/**
 * Starts `count` prepare workers and waits until each has built its chunker. Rejects (after
 * ending those that started) when a worker cannot load: the caller then prepares in-thread.
 * Compiled (dist/), the worker is its .js file; from TypeScript sources (tsx, vitest) it registers
 * tsx's loader first, as Node 20 workers do not inherit the parent's loader hooks.
 */
export async function startPrepareWorkers(spec: PrepareWorkerSpec, count: number, limits: { maxOldGenerationMb?: number } = {}): Promise<PreparePool> {
  const entry = workerEntry('./prepare-worker', import.meta.url);
  const pool: PoolWorker[] = [];
  let broken: unknown;
  let nextId = 0;
  let closing = false;
  const fail = (worker: PoolWorker, error: unknown): void => {
    broken ??= error;
    for (const job of worker.pending.values()) job.reject(error);
    worker.pending.clear();
  };
  const starting = Array.from({ length: count }, () => {
    const resourceLimits = { maxOldGenerationSizeMb: limits.maxOldGenerationMb ?? WORKER_OLD_GENERATION_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB };
    const thread = new Worker(entry.script, { ...entry.options, workerData: spec, resourceLimits });
    const worker: PoolWorker = { thread, pending: new Map() };
    pool.push(worker);
    return new Promise<void>((resolve, reject) => {
      thread.on('message', (reply: PrepareReply) => {
        if (reply.type === 'ready') {
          // Idle workers do not keep the process alive; a job in flight does (see prepare).
          thread.unref();
          resolve();
          return;
        }
        const job = worker.pending.get(reply.id);
        if (!job) return;
        worker.pending.delete(reply.id);
        if (worker.pending.size === 0) thread.unref();
        if (reply.type === 'prepared') job.resolve(reply.results);
        else job.reject(new GroundworkError('INTERNAL', `prepare worker failed: ${reply.message}`));
      });
      thread.on('error', (error) => {
        reject(error);
        const outOfMemory = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        fail(worker, outOfMemory ? new PrepareWorkerOutOfMemory(resourceLimits.maxOldGenerationSizeMb, error) : new GroundworkError('INTERNAL', `prepare worker failed: ${error.message}`, { cause: error }));
      });
      thread.on('exit', (code) => {
        const error = new GroundworkError('INTERNAL', `prepare worker exited (code ${code})`);
        reject(error);
        if (!closing) fail(worker, error);
      });
    });
  });
  const close = async (): Promise<void> => {
    closing = true;
    await Promise.all(pool.map((worker) => worker.thread.terminate()));
  };
  try {
    await Promise.all(starting);
  } catch (error) {
    await close();
    throw error;
  }

  return {
    workers: count,
    async prepare(documents) {
      if (broken) throw broken;
      // Greedy by size: each document to the worker with the least text so far.
      const shares = pool.map(() => ({ documents: [] as LoadedDocument[], positions: [] as number[], bytes: 0 }));
      documents.forEach((document, position) => {
        const share = shares.reduce((least, candidate) => (candidate.bytes < least.bytes ? candidate : least));
        share.documents.push(document);
        share.positions.push(position);
        share.bytes += document.text.length;
      });
      const jobs: Array<Promise<PreparedOnTheWire[]>> = [];
      let unsent: unknown;
      for (const [index, share] of shares.entries()) {
        if (share.documents.length === 0) continue;
        const worker = pool[index];
        const id = nextId++;
        const job = new Promise<PreparedOnTheWire[]>((resolve, reject) => worker.pending.set(id, { resolve, reject }));
        try {
          worker.thread.postMessage({ id, documents: share.documents } satisfies PrepareRequest);
        } catch (error) {
          worker.pending.delete(id);
          unsent = error;
          break;
        }
        worker.thread.ref();
        jobs.push(job);
      }
      if (unsent) {
        // Let the shares already sent finish (their workers stay in step), then let the caller decide.
        await Promise.allSettled(jobs);
        if ((unsent as Error).name === 'DataCloneError') return undefined;
        throw unsent;
      }
      const parts = await Promise.all(jobs);
      const results = new Array<PreparedDocument>(documents.length);
      shares
        .filter((share) => share.documents.length > 0)
        .forEach((share, part) => share.positions.forEach((position, i) => (results[position] = unpackPrepared(documents[position], parts[part][i]))));
      return results;
    },
    close,
  };
}
