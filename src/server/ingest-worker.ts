import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Groundwork } from '../groundwork.js';
import type { Loader } from '../ingest/types.js';
import { claimIngestJob, completeIngestJob, DEFAULT_JOB_LEASE_MS, failIngestJob, jobFiles, renewJobLease, type ClaimedJob, type JobStatus } from './ingest-jobs.js';
import { uploadedSourceItems, uploadLoaders } from './upload-documents.js';

/** How often an idle worker looks for new jobs. */
export const DEFAULT_WORKER_POLL_MS = 1000;

export interface IngestWorkerOptions {
  groundwork: Groundwork;
  /** Unique per worker (default host:pid:random). */
  workerId?: string;
  loaders?: readonly Loader[];
  leaseMs?: number;
  pollMs?: number;
  /** Stop once the queue is empty instead of polling. */
  once?: boolean;
  signal?: AbortSignal;
  /** Called after each job with its outcome. */
  onJob?: (event: { job: ClaimedJob; status: JobStatus | 'lost'; error?: string }) => void;
}

export interface IngestWorkerSummary {
  workerId: string;
  done: string[];
  failed: string[];
}

/**
 * Drains the ingestion job queue (`groundwork worker`): claims a job with FOR UPDATE SKIP LOCKED,
 * ingests its files into the job's tenant while renewing the lease, records the summary. Run
 * any number of these, in any number of processes.
 */
export async function runIngestWorker(options: IngestWorkerOptions): Promise<IngestWorkerSummary> {
  const { groundwork } = options;
  const db = groundwork.db;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? DEFAULT_JOB_LEASE_MS;
  const loaders = uploadLoaders(options.loaders, groundwork.config.ingest);
  const summary: IngestWorkerSummary = { workerId, done: [], failed: [] };
  while (!options.signal?.aborted) {
    const job = await claimIngestJob(db, workerId, leaseMs);
    if (!job) {
      if (options.once) break;
      await sleep(options.pollMs ?? DEFAULT_WORKER_POLL_MS, options.signal);
      continue;
    }
    const renew = setInterval(() => {
      renewJobLease(db, job.id, workerId, leaseMs).catch(() => {});
    }, Math.max(10, Math.floor(leaseMs / 3)));
    try {
      const files = await jobFiles(db, job.id);
      const result = await groundwork.ingest(uploadedSourceItems(files, loaders, { maxFileBytes: groundwork.config.ingest.maxFileBytes, uploadedAt: job.createdAt }), { tenant: job.tenant });
      clearInterval(renew);
      const kept = await completeIngestJob(db, job.id, workerId, result);
      if (kept) summary.done.push(job.id);
      options.onJob?.({ job, status: kept ? 'done' : 'lost' });
    } catch (error) {
      clearInterval(renew);
      const message = (error as Error)?.message ?? String(error);
      const status = await failIngestJob(db, job.id, workerId, message);
      if (status === 'failed') summary.failed.push(job.id);
      options.onJob?.({ job, status: status ?? 'lost', error: message });
    }
  }
  return summary;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
