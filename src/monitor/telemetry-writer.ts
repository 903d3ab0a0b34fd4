import type { Queryable } from '../db/types.js';
import type { QueryEmbedding } from './query-embedding-capture.js';
import { projectQueryEmbedding } from './query-projection.js';
import { insertTelemetrySql, TELEMETRY_COLUMNS } from './rollup-sql.js';
import type { CacheOutcome, TelemetryRoute } from './types.js';

/** Distinct analyzed terms kept per query for term drift (a question rarely has more). */
export const MAX_QUERY_TERMS = 32;
/**
 * Rows per INSERT: 22 parameters a row keeps 1,000 rows at 22,000 parameters (PostgreSQL allows
 * 65,535) and one statement of a few hundred KB.
 */
export const TELEMETRY_BATCH_ROWS = 1_000;

/** One request as the routes report it. */
export interface TelemetryRecord {
  /** When the request arrived (default: when recorded). */
  at?: Date;
  requestId?: string;
  tenant: string;
  route: TelemetryRoute;
  /** The registry entry (A/B arm) that served it. */
  arm?: string;
  status: number;
  totalMs: number;
  /** Milliseconds per stage (cache, retrieve, each leg, rerank, decision, generation). */
  stageMs?: Record<string, number>;
  refused?: boolean;
  refusalReason?: string;
  cache?: CacheOutcome;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  confidence?: number;
  answerability?: number;
  /** The question or query: its length and analyzed terms are computed when the row is written, off the request path. */
  query?: string;
  topScore?: number;
  /**
   * The query's embedding when the request computed one (observeQueryEmbeddings): held by
   * reference until the row is written, then reduced to its QUERY_PROJECTIONS coordinates off the
   * request path. Rows held are at most bufferSize, so at most bufferSize vectors (a stalled
   * database with 10,000 rows of 768 dimensions: ~30 MB).
   */
  queryEmbedding?: QueryEmbedding;
}

/** Why rows were not written. */
export type TelemetryDropReason = 'buffer-full' | 'write-failed' | 'closed';

/** Counts since the writer started. */
export interface TelemetryWriterStats {
  recorded: number;
  written: number;
  dropped: Record<TelemetryDropReason, number>;
  /** Rows waiting or being written now. */
  pending: number;
}

/** Buffers telemetry rows and writes them in batches; `record` never waits and never throws. */
export interface TelemetryWriter {
  /** Buffers one row; false when it was dropped (buffer full, or the writer closed). */
  record(row: TelemetryRecord): boolean;
  /** Writes every row buffered so far. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left. Safe to call more than once. */
  close(): Promise<void>;
  stats(): TelemetryWriterStats;
}

export interface TelemetryWriterOptions {
  db: Queryable;
  /** Rows held (waiting plus being written) before new ones are dropped. */
  bufferSize: number;
  flushIntervalMs: number;
  /** Query -> analyzed terms (the index's analyzer); without it no terms are stored. */
  terms?: (text: string) => string[];
  batchRows?: number;
  onDropped?: (reason: TelemetryDropReason, rows: number) => void;
  /** A batch failed to write (its rows are counted as dropped). Default: a JSON line on stderr. */
  onError?: (error: unknown, rows: number) => void;
}

/**
 * The telemetry writer: a bounded buffer flushed every flushIntervalMs and whenever a batch is
 * full, one multi-row parameterized INSERT per batch (which also updates the rollups).
 * @example const writer = createTelemetryWriter({ db, bufferSize: 10_000, flushIntervalMs: 1000 });
 */
export function createTelemetryWriter(options: TelemetryWriterOptions): TelemetryWriter {
  const batchRows = Math.max(1, Math.min(options.batchRows ?? TELEMETRY_BATCH_ROWS, options.bufferSize));
  const onError =
    options.onError ??
    ((error: unknown, rows: number) => {
      process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'telemetry write failed; rows dropped', rows, error: (error as Error)?.message ?? String(error) })}\n`);
    });
  const stats: TelemetryWriterStats = { recorded: 0, written: 0, dropped: { 'buffer-full': 0, 'write-failed': 0, closed: 0 }, pending: 0 };
  let waiting: TelemetryRecord[] = [];
  let writing = 0;
  let running: Promise<void> | undefined;
  let scheduled = false;
  let closed = false;

  const drop = (reason: TelemetryDropReason, rows: number): void => {
    stats.dropped[reason] += rows;
    options.onDropped?.(reason, rows);
  };

  const writeBatch = async (batch: TelemetryRecord[]): Promise<void> => {
    writing = batch.length;
    try {
      const params: unknown[] = [];
      for (const row of batch) params.push(...rowParams(row, options.terms));
      await options.db.query(insertTelemetrySql(batch.length), params);
      stats.written += batch.length;
    } catch (error) {
      drop('write-failed', batch.length);
      onError(error, batch.length);
    } finally {
      writing = 0;
    }
  };

  // One drain at a time; it takes batches until nothing waits. (`finally` callbacks always run
  // later, so `running` is cleared after it was set, never before.)
  const drain = (): Promise<void> => {
    if (!running && waiting.length > 0) {
      running = (async () => {
        while (waiting.length > 0) {
          const batch = waiting.length <= batchRows ? waiting : waiting.slice(0, batchRows);
          waiting = waiting.length <= batchRows ? [] : waiting.slice(batchRows);
          await writeBatch(batch);
        }
      })().finally(() => {
        running = undefined;
      });
    }
    return running ?? Promise.resolve();
  };

  const timer = setInterval(() => void drain(), options.flushIntervalMs);
  timer.unref();

  return {
    record(row) {
      stats.recorded += 1;
      if (closed) {
        drop('closed', 1);
        return false;
      }
      if (waiting.length + writing >= options.bufferSize) {
        drop('buffer-full', 1);
        return false;
      }
      waiting.push(row.at ? row : { ...row, at: new Date() });
      if (waiting.length >= batchRows && !scheduled && !running) {
        // Off this request's turn of the event loop: building the statement is the writer's work.
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          void drain();
        });
      }
      return true;
    },
    async flush() {
      while (running) await running;
      await drain();
    },
    async close() {
      if (closed) return this.flush();
      closed = true;
      clearInterval(timer);
      await this.flush();
    },
    stats() {
      return { ...stats, dropped: { ...stats.dropped }, pending: waiting.length + writing };
    },
  };
}

/** One row's parameters in TELEMETRY_COLUMNS order. */
function rowParams(row: TelemetryRecord, terms?: (text: string) => string[]): unknown[] {
  const queryTerms = row.query !== undefined && terms ? [...new Set(terms(row.query))].slice(0, MAX_QUERY_TERMS) : null;
  const values: unknown[] = [
    (row.at ?? new Date()).toISOString(),
    row.requestId ?? null,
    row.tenant,
    row.route,
    row.arm ?? null,
    row.status,
    finiteOr(row.totalMs, 0),
    JSON.stringify(row.stageMs ?? {}),
    row.refused ?? null,
    row.refusalReason ?? null,
    row.cache ?? null,
    row.model ?? null,
    Math.max(0, Math.round(row.inputTokens ?? 0)),
    Math.max(0, Math.round(row.outputTokens ?? 0)),
    Math.max(0, finiteOr(row.costUsd, 0)),
    finiteOr(row.confidence, null),
    finiteOr(row.answerability, null),
    row.query !== undefined ? row.query.length : null,
    queryTerms,
    finiteOr(row.topScore, null),
    ...queryProjection(row.queryEmbedding),
  ];
  if (values.length !== TELEMETRY_COLUMNS.length) throw new Error('telemetry row parameters do not match TELEMETRY_COLUMNS');
  return values;
}

/** query_embedder and query_projection: the embedder identity and the projected coordinates, or two nulls. */
function queryProjection(embedding: QueryEmbedding | undefined): [string | null, number[] | null] {
  if (!embedding) return [null, null];
  const projection = projectQueryEmbedding(embedding.embedder, embedding.vector);
  return projection ? [embedding.embedder, projection] : [null, null];
}

function finiteOr<T>(value: number | undefined, fallback: T): number | T {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
