/**
 * Runs a local ONNX model on worker threads (local-session-worker.ts): one session per worker,
 * each with its own intra-op threads. Two layouts on CPU, and bench/embed.ts measures which is
 * faster on a machine: one session using every core (the default), or one single-threaded
 * session per core. Never more threads in total than the cores Node reports.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { GroundworkError, InputError } from '../errors.js';
import { startWorker } from '../worker-entry-url.js';
import type { LocalDevice, LocalDtype } from './local-model.js';

/** What a session worker loads. */
export interface SessionSpec {
  dir: string;
  dtype: LocalDtype;
  device: LocalDevice;
  head: 'encoder' | 'classifier';
  threads: number;
}

/** One padded batch: int64 rows of `length` ids, its mask and segment ids, and each row's real length. */
export interface PaddedBatch {
  ids: BigInt64Array;
  mask: BigInt64Array;
  types: BigInt64Array;
  rows: number;
  length: number;
  tokens: number[];
}

export type SessionRequest = PaddedBatch & { id: number; pooling?: 'mean' | 'cls' };
export type SessionReply =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { id: number; data: Float32Array; dims: number[] }
  | { id: number; error: string };

/** Threads and sessions a pool runs with. */
export interface Parallelism {
  /** Intra-op threads of each session. */
  threads: number;
  /** Sessions (worker threads), each holding the model once. */
  sessions: number;
}

/** The cores this process may use (os.availableParallelism: affinity-aware where Node can tell). */
export function availableCores(): number {
  return availableParallelism();
}

/**
 * Threads and sessions for a pool: by default one session with a thread per core. Asking for more
 * threads in total (threads x sessions) than there are cores is an error, not a silent cap.
 */
export function resolveParallelism(requested: Partial<Parallelism>, cores = availableCores()): Parallelism {
  const sessions = requested.sessions ?? 1;
  if (!Number.isInteger(sessions) || sessions < 1) throw new InputError('sessions', `must be a positive integer, got ${sessions}`);
  if (sessions > cores) throw new InputError('sessions', `${sessions} sessions is more than the ${cores} cores available`);
  const threads = requested.threads ?? Math.max(1, Math.floor(cores / sessions));
  if (!Number.isInteger(threads) || threads < 1) throw new InputError('threads', `must be a positive integer, got ${threads}`);
  if (threads * sessions > cores) {
    throw new InputError('threads', `${threads} threads x ${sessions} session(s) is more than the ${cores} cores available; lower threads or sessions`);
  }
  return { threads, sessions };
}

/** A loaded model on its worker threads. */
export interface LocalSessionPool extends Parallelism {
  /** Runs one batch on the next free session: pooled vectors [rows, width] (encoders) or logits [rows, labels]. */
  run(batch: PaddedBatch, pooling?: 'mean' | 'cls'): Promise<{ data: Float32Array; dims: number[] }>;
  close(): Promise<void>;
}

interface Job {
  request: SessionRequest;
  resolve: (value: { data: Float32Array; dims: number[] }) => void;
  reject: (error: unknown) => void;
}

/** Starts one session worker and waits until its model is loaded (or throws why it could not load). */
async function startSession(spec: SessionSpec): Promise<Worker> {
  const worker = startWorker('./local-session-worker', import.meta.url, { workerData: spec });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: SessionReply): void => {
      worker.off('error', onError);
      worker.off('message', onMessage);
      if ('type' in message && message.type === 'ready') resolve();
      else reject(new Error('type' in message && message.type === 'failed' ? message.message : 'unexpected reply from a model session'));
    };
    const onError = (error: Error): void => {
      worker.off('message', onMessage);
      reject(error);
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
  });
  return worker;
}

/**
 * Loads the model once per session and returns the pool. Batches wait in one queue; each session
 * takes the next when it finishes, so the caller can keep a batch queued while another runs.
 */
export async function createLocalSessionPool(spec: Omit<SessionSpec, 'threads'>, requested: Partial<Parallelism> = {}): Promise<LocalSessionPool> {
  const { threads, sessions } = resolveParallelism(requested);
  const started = await Promise.allSettled(Array.from({ length: sessions }, () => startSession({ ...spec, threads })));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.terminate() : undefined)));
    throw failed.reason;
  }
  const workers = started.map((result) => (result as PromiseFulfilledResult<Worker>).value);
  const queue: Job[] = [];
  const busy = new Map<Worker, Job>();
  let nextId = 1;
  let broken: Error | undefined;
  let closed = false;

  const dispatch = (): void => {
    for (const worker of workers) {
      if (queue.length === 0) break;
      if (busy.has(worker)) continue;
      const job = queue.shift()!;
      busy.set(worker, job);
      worker.ref(); // a batch in flight keeps the process alive; an idle pool does not
      worker.postMessage(job.request, [job.request.ids.buffer, job.request.mask.buffer, job.request.types.buffer] as ArrayBuffer[]);
    }
  };
  const fail = (error: Error): void => {
    broken ??= error;
    for (const job of [...busy.values(), ...queue.splice(0)]) job.reject(broken);
    busy.clear();
  };
  for (const worker of workers) {
    worker.unref();
    worker.on('message', (message: SessionReply) => {
      const job = busy.get(worker);
      if (!job || 'type' in message) return;
      busy.delete(worker);
      worker.unref();
      if ('error' in message) job.reject(new GroundworkError('INTERNAL', `model session on ${spec.device} failed: ${message.error}`));
      else job.resolve({ data: message.data, dims: message.dims });
      dispatch();
    });
    worker.on('error', (error) => fail(new GroundworkError('INTERNAL', `a model session thread crashed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => {
      if (!closed) fail(new GroundworkError('INTERNAL', `a model session thread exited (code ${code})`));
    });
  }

  return {
    threads,
    sessions,
    run(batch, pooling) {
      if (closed) return Promise.reject(new GroundworkError('INTERNAL', 'the model was closed'));
      if (broken) return Promise.reject(broken);
      return new Promise((resolve, reject) => {
        queue.push({ request: { ...batch, id: nextId++, ...(pooling ? { pooling } : {}) }, resolve, reject });
        dispatch();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      fail(new GroundworkError('INTERNAL', 'the model was closed'));
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              worker.ref(); // held until it has exited
              worker.once('exit', () => resolve());
              worker.postMessage({ type: 'close' });
            }),
        ),
      );
    },
  };
}
