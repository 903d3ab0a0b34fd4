import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { GroundworkError, InputError, type ErrorCode } from '../errors.js';
import { startWorker } from '../worker-entry-url.js';
import { classicMlTools } from './classic-ml-tools.js';
import type { Tool } from './tool.js';
import { DEFAULT_TOOL_MEMORY_MB, DEFAULT_TOOL_QUEUE_PER_WORKER, DEFAULT_TOOL_TIMEOUT_MS } from './tool-limits.js';
import type { ToolProgress } from './tool-run-context.js';

/** Tool workers by default: one core stays with the event loop (HTTP, database); at least one. */
export function defaultToolWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** Messages between the pool and its workers. */
export type ToolWorkerRequest = { id: number; tool: string; input: unknown };
export type ToolWorkerReply =
  | { type: 'ready' }
  | { type: 'progress'; id: number; progress: ToolProgress }
  | { type: 'done'; id: number; output: unknown }
  | { type: 'failed'; id: number; error: { name: string; message: string; stack?: string; code?: ErrorCode; details?: Record<string, unknown>; field?: string; reason?: string } };

/** Settings of createToolPool (all optional). */
export interface ToolPoolOptions {
  /** Worker threads (default defaultToolWorkers()). */
  workers?: number;
  /** Runs that may wait when every worker is busy (default DEFAULT_TOOL_QUEUE_PER_WORKER per worker). */
  queueLimit?: number;
  /** Wall time of one run, from the moment a started worker takes it (default DEFAULT_TOOL_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Heap of each worker in MiB, `resourceLimits.maxOldGenerationSizeMb` (default DEFAULT_TOOL_MEMORY_MB). */
  memoryMb?: number;
}

/** One run's extras. */
export interface ToolRunOptions {
  /** Aborting it cancels the run: dropped from the queue, or its worker stopped and replaced. */
  signal?: AbortSignal;
  /** Progress reported by the tool (gradient boosting: trees built), at most every 250 ms. */
  onProgress?: (progress: ToolProgress) => void;
}

/** What the pool is doing, for tests, metrics and logs. */
export interface ToolPoolStats {
  workers: number;
  busy: number;
  /** Workers started, loaded and waiting for a run. */
  idle: number;
  queued: number;
  /** Threads alive now (a stopped worker counts until it has exited). */
  threads: number;
  started: number;
  /** Workers stopped mid-run: time limit, cancellation, out of memory. */
  stopped: number;
  completed: number;
}

/** Worker threads that run the classic-ML tools off the event loop; `close` ends them. */
export interface ToolPool {
  readonly workers: number;
  readonly queueLimit: number;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** Whether the pool can run this tool (the workers load the built-in tools by name). */
  runs(tool: Tool): boolean;
  /**
   * Runs a tool on raw input in a worker: validated there too, so callers that want a 400 before
   * queueing call validateToolInput first. Rejects with UNAVAILABLE (Retry-After in details) when
   * every worker is busy and the queue is full, TIMEOUT past timeoutMs, TOO_LARGE when the run
   * outgrows memoryMb; the tool's own errors keep their code (InputError stays an InputError).
   */
  run(tool: Tool, input: unknown, options?: ToolRunOptions): Promise<unknown>;
  /** Throws run's UNAVAILABLE refusal now when a run would be refused: lets a server refuse before reading a large body. */
  checkCapacity(): void;
  stats(): ToolPoolStats;
  close(): Promise<void>;
}

interface Job {
  id: number;
  tool: Tool;
  input: unknown;
  options: ToolRunOptions;
  resolve: (output: unknown) => void;
  reject: (error: unknown) => void;
  detach: () => void;
}

interface Slot {
  thread: Worker;
  job?: Job;
  timer?: NodeJS.Timeout;
  deadline: number;
  retired: boolean;
  /** The worker has loaded its tools: a run's time limit counts from here, not from the thread's start. */
  ready: boolean;
}

/**
 * Starts an empty pool: workers start on the first runs (~0.3 s each compiled, about a second
 * from TypeScript sources) and stay, unref'd while idle so they never keep a process alive. A run
 * past its time limit, cancelled, or out of memory has its worker terminated and replaced.
 * @example const pool = createToolPool({ workers: 1, timeoutMs: 5_000 }); await pool.run(findTool('drift'), input); await pool.close();
 */
export function createToolPool(options: ToolPoolOptions = {}): ToolPool {
  const workers = options.workers ?? defaultToolWorkers();
  const queueLimit = options.queueLimit ?? DEFAULT_TOOL_QUEUE_PER_WORKER * workers;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  const memoryMb = options.memoryMb ?? DEFAULT_TOOL_MEMORY_MB;
  if (!Number.isInteger(workers) || workers < 1) throw new InputError('workers', `must be a positive integer, got ${workers}`);
  const slots: Slot[] = [];
  const queue: Job[] = [];
  /** Every thread until it has exited, stopped ones included: close waits for them all. */
  const exits = new Set<Promise<void>>();
  const counts = { threads: 0, started: 0, stopped: 0, completed: 0 };
  let nextId = 0;
  let closed = false;

  const settle = (slot: Slot): Job | undefined => {
    const job = slot.job;
    clearTimeout(slot.timer);
    slot.job = undefined;
    if (!slot.retired) slot.thread.unref();
    job?.detach();
    return job;
  };

  /**
   * Stops a worker: its job fails with `error`. One stopped for its run (time limit, cancel,
   * memory: `replace`) gets a successor at once, so the next run finds one loaded; a crash does
   * not (a worker that cannot load would fail again, in a loop): the next run starts a fresh one.
   */
  const retire = (slot: Slot, error: unknown, replace = false): void => {
    if (slot.retired) return;
    slot.retired = true;
    const job = settle(slot);
    slots.splice(slots.indexOf(slot), 1);
    if (job) counts.stopped += 1;
    void slot.thread.terminate();
    job?.reject(error);
    if (replace && job && !closed && queue.length === 0) spawn();
    pump();
  };

  const spawn = (): Slot => {
    const thread = startWorker('./tool-worker', import.meta.url, { resourceLimits: { maxOldGenerationSizeMb: memoryMb } });
    const slot: Slot = { thread, deadline: Date.now() + timeoutMs, retired: false, ready: false };
    thread.unref();
    counts.threads += 1;
    counts.started += 1;
    thread.on('message', (reply: ToolWorkerReply) => {
      const job = slot.job;
      if (reply.type === 'ready') {
        slot.ready = true;
        if (job) startClock(slot, job);
        return;
      }
      if (!job || reply.id !== job.id) return;
      if (reply.type === 'progress') {
        job.options.onProgress?.(reply.progress);
        return;
      }
      settle(slot);
      counts.completed += 1;
      if (reply.type === 'done') job.resolve(reply.output);
      else job.reject(workerFailure(job.tool.name, reply.error));
      pump();
    });
    thread.on('error', (error: NodeJS.ErrnoException) => {
      const name = slot.job?.tool.name ?? 'tool';
      retire(
        slot,
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new GroundworkError('TOO_LARGE', `${name} ran out of memory: a run may use ${memoryMb} MiB of heap; give it less data`, { details: { tool: name, memoryLimitMb: memoryMb }, cause: error })
          : new GroundworkError('INTERNAL', `${name} worker failed: ${error.message}`, { cause: error }),
        error.code === 'ERR_WORKER_OUT_OF_MEMORY',
      );
    });
    const exited = new Promise<void>((resolve) =>
      thread.once('exit', (code) => {
        counts.threads -= 1;
        exits.delete(exited);
        retire(slot, new GroundworkError('INTERNAL', `${slot.job?.tool.name ?? 'tool'} worker exited (code ${code})`));
        resolve();
      }),
    );
    exits.add(exited);
    slots.push(slot);
    return slot;
  };

  const startClock = (slot: Slot, job: Job): void => {
    slot.deadline = Date.now() + timeoutMs;
    slot.timer = setTimeout(
      () => retire(slot, new GroundworkError('TIMEOUT', `${job.tool.name} ran past its time limit of ${timeoutMs} ms and was stopped`, { details: { tool: job.tool.name, timeoutMs } }), true),
      timeoutMs,
    );
  };

  const dispatch = (slot: Slot, job: Job): void => {
    slot.job = job;
    slot.thread.ref(); // a run in flight keeps the process alive (the CLI waits for it)
    if (slot.ready) startClock(slot, job);
    try {
      slot.thread.postMessage({ id: job.id, tool: job.tool.name, input: job.input } satisfies ToolWorkerRequest);
    } catch (error) {
      settle(slot);
      job.reject(new InputError('input', `cannot be sent to a tool worker: ${(error as Error).message}`));
    }
  };

  const pump = (): void => {
    while (queue.length > 0 && !closed) {
      const slot = slots.find((candidate) => !candidate.job && !candidate.retired) ?? (slots.length < workers ? spawn() : undefined);
      if (!slot) return;
      dispatch(slot, queue.shift()!);
    }
  };

  const busy = (): number => slots.filter((slot) => slot.job).length;
  const capacityRefusal = (): GroundworkError | undefined => {
    const free = slots.some((slot) => !slot.job && !slot.retired) || slots.length < workers;
    return !free && queue.length >= queueLimit ? saturated(slots, queue.length, workers) : undefined;
  };

  return {
    workers,
    queueLimit,
    timeoutMs,
    memoryMb,
    runs: (tool) => classicMlTools.includes(tool),
    run(tool, input, runOptions = {}) {
      if (closed) return Promise.reject(new GroundworkError('UNAVAILABLE', 'the tool pool is closed'));
      if (!classicMlTools.includes(tool)) return Promise.reject(new GroundworkError('INTERNAL', `${tool.name} is not a built-in tool; tool workers run only those`));
      const { signal } = runOptions;
      if (signal?.aborted) return Promise.reject(cancelled(tool.name));
      const refusal = capacityRefusal();
      if (refusal) return Promise.reject(refusal);
      return new Promise<unknown>((resolve, reject) => {
        const onAbort = (): void => {
          const at = queue.indexOf(job);
          if (at >= 0) {
            queue.splice(at, 1);
            job.detach();
            reject(cancelled(tool.name));
            return;
          }
          const slot = slots.find((candidate) => candidate.job === job);
          if (slot) retire(slot, cancelled(tool.name), true);
        };
        const job: Job = { id: nextId++, tool, input, options: runOptions, resolve, reject, detach: () => signal?.removeEventListener('abort', onAbort) };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(job);
        pump();
      });
    },
    checkCapacity() {
      const refusal = capacityRefusal();
      if (refusal) throw refusal;
    },
    stats: () => ({ workers, busy: busy(), idle: slots.filter((slot) => slot.ready && !slot.job).length, queued: queue.length, ...counts }),
    async close() {
      closed = true;
      for (const job of queue.splice(0)) {
        job.detach();
        job.reject(new GroundworkError('UNAVAILABLE', `${job.tool.name} was not run: the tool pool closed`));
      }
      for (const slot of [...slots]) retire(slot, new GroundworkError('UNAVAILABLE', `${slot.job?.tool.name ?? 'tool'} was stopped: the tool pool closed`));
      await Promise.all(exits);
    },
  };
}

/** The error of a run whose caller went away (request timeout, client gone, Ctrl-C). */
function cancelled(tool: string): GroundworkError {
  return new GroundworkError('UNAVAILABLE', `${tool} was cancelled`, { details: { tool } });
}

/** The refusal of a full pool, with the seconds until the soonest busy worker must be free. */
function saturated(slots: Slot[], queued: number, workers: number): GroundworkError {
  const soonest = Math.min(...slots.filter((slot) => slot.job).map((slot) => slot.deadline));
  const retryAfterSeconds = Math.max(1, Math.ceil((soonest - Date.now()) / 1000));
  return new GroundworkError('UNAVAILABLE', `all ${workers} tool workers are busy and ${queued} runs are waiting; retry in ${retryAfterSeconds} s`, {
    details: { retryAfterSeconds, workers, queued },
  });
}

/** Rebuilds a tool's error from a worker: InputError and GroundworkError keep their class and code. */
function workerFailure(tool: string, error: Extract<ToolWorkerReply, { type: 'failed' }>['error']): Error {
  if (error.field !== undefined && error.reason !== undefined) {
    const { field: _field, reason: _reason, ...details } = error.details ?? {};
    return new InputError(error.field, error.reason, details);
  }
  if (error.code) return new GroundworkError(error.code, error.message, { details: error.details });
  // Our bug, not the caller's (a 500): keep the worker's stack for the error log.
  const failure = new Error(`${tool} failed in its worker: ${error.message}`);
  failure.name = error.name;
  if (error.stack) failure.stack = `${failure.name}: ${failure.message}\n(worker) ${error.stack}`;
  return failure;
}
