import type { Db, Queryable } from '../db/types.js';
import { GroundworkError } from '../errors.js';
import type { IngestSummary } from '../ingest/pipeline.js';
import type { UploadedFile } from './upload-documents.js';

/** How long a claimed job stays with its worker without a renewal; the worker renews every third of it. */
export const DEFAULT_JOB_LEASE_MS = 60_000;

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

/** An ingestion job as clients see it (`GET /v1/jobs/:id`). */
export interface IngestJob {
  id: string;
  tenant: string;
  status: JobStatus;
  fileCount: number;
  totalBytes: number;
  attempts: number;
  result: IngestSummary | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A job a worker holds, with what it needs to run it. */
export interface ClaimedJob extends IngestJob {
  options: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = `id::text AS id, tenant, status, file_count, total_bytes::float8 AS total_bytes, attempts, result, error, created_at, started_at, finished_at, options`;

type JobRow = {
  id: string;
  tenant: string;
  status: JobStatus;
  file_count: number;
  total_bytes: number;
  attempts: number;
  result: IngestSummary | null;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  options: Record<string, unknown>;
};

const toJob = (row: JobRow): ClaimedJob => ({
  id: row.id,
  tenant: row.tenant,
  status: row.status,
  fileCount: row.file_count,
  totalBytes: row.total_bytes,
  attempts: row.attempts,
  result: row.result,
  error: row.error,
  createdAt: row.created_at,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  options: row.options,
});

/** Queues an ingestion job with its files, in one transaction. */
export async function enqueueIngestJob(db: Db, tenant: string, files: readonly UploadedFile[], options: Record<string, unknown> = {}): Promise<IngestJob> {
  return db.transaction(async (tx) => {
    const totalBytes = files.reduce((sum, f) => sum + f.bytes.byteLength, 0);
    const { rows } = await tx.query<JobRow>(
      `INSERT INTO ingest_jobs (tenant, options, total_bytes, file_count) VALUES ($1, $2::jsonb, $3, $4) RETURNING ${COLUMNS}`,
      [tenant, JSON.stringify(options), totalBytes, files.length],
    );
    const job = rows[0];
    for (const [ordinal, file] of files.entries()) {
      await tx.query('INSERT INTO ingest_job_files (job_id, ordinal, name, content) VALUES ($1::uuid, $2, $3, $4)', [job.id, ordinal, file.name, Buffer.from(file.bytes)]);
    }
    return publicJob(toJob(job));
  });
}

/** A tenant's job, or NOT_FOUND (another tenant's job is not found either: ids never leak data). */
export async function getIngestJob(db: Queryable, tenant: string, id: string): Promise<IngestJob> {
  if (!UUID.test(id)) throw new GroundworkError('NOT_FOUND', `job ${JSON.stringify(id)} does not exist`, { details: { id } });
  const { rows } = await db.query<JobRow>(`SELECT ${COLUMNS} FROM ingest_jobs WHERE id = $1::uuid AND tenant = $2`, [id, tenant]);
  if (rows.length === 0) throw new GroundworkError('NOT_FOUND', `job ${id} does not exist`, { details: { id } });
  return publicJob(toJob(rows[0]));
}

/**
 * Claims the oldest claimable job for `workerId`: a queued one, or a running one whose lease ran
 * out (its worker died) while attempts remain. `FOR UPDATE SKIP LOCKED` makes concurrent claims
 * from any number of processes take different jobs without waiting on each other.
 */
export async function claimIngestJob(db: Queryable, workerId: string, leaseMs = DEFAULT_JOB_LEASE_MS): Promise<ClaimedJob | undefined> {
  // A job whose last allowed attempt died with its worker will never be claimed again: fail it.
  await db.query(
    `UPDATE ingest_jobs SET status = 'failed', error = COALESCE(error, 'worker stopped renewing its lease on the last attempt'),
            locked_by = NULL, lease_expires_at = NULL, finished_at = now(), updated_at = now()
      WHERE status = 'running' AND lease_expires_at < now() AND attempts >= max_attempts`,
  );
  const { rows } = await db.query<JobRow>(
    `UPDATE ingest_jobs SET status = 'running', attempts = attempts + 1, locked_by = $1,
            lease_expires_at = now() + make_interval(secs => $2::float8 / 1000),
            started_at = COALESCE(started_at, now()), updated_at = now()
      WHERE id = (
        SELECT id FROM ingest_jobs
         WHERE (status = 'queued' OR (status = 'running' AND lease_expires_at < now()))
           AND attempts < max_attempts
         ORDER BY created_at, id
         FOR UPDATE SKIP LOCKED
         LIMIT 1)
      RETURNING ${COLUMNS}`,
    [workerId, leaseMs],
  );
  return rows[0] ? toJob(rows[0]) : undefined;
}

/** Extends the lease of a job this worker holds; false when it lost the job (lease expired and taken). */
export async function renewJobLease(db: Queryable, id: string, workerId: string, leaseMs = DEFAULT_JOB_LEASE_MS): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE ingest_jobs SET lease_expires_at = now() + make_interval(secs => $3::float8 / 1000), updated_at = now()
      WHERE id = $1::uuid AND locked_by = $2 AND status = 'running'`,
    [id, workerId, leaseMs],
  );
  return rowCount > 0;
}

/** The uploaded files of a job, in upload order. */
export async function jobFiles(db: Queryable, id: string): Promise<Array<{ name: string; bytes: Uint8Array }>> {
  const { rows } = await db.query<{ name: string; content: Uint8Array }>('SELECT name, content FROM ingest_job_files WHERE job_id = $1::uuid ORDER BY ordinal', [id]);
  return rows.map((r) => ({ name: r.name, bytes: r.content }));
}

/** Marks a held job done with its summary and drops its files; false when this worker no longer holds it. */
export async function completeIngestJob(db: Db, id: string, workerId: string, result: IngestSummary): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE ingest_jobs SET status = 'done', result = $3::jsonb, error = NULL, lease_expires_at = NULL, finished_at = now(), updated_at = now()
        WHERE id = $1::uuid AND locked_by = $2 AND status = 'running'`,
      [id, workerId, JSON.stringify(result)],
    );
    if (rowCount > 0) await tx.query('DELETE FROM ingest_job_files WHERE job_id = $1::uuid', [id]);
    return rowCount > 0;
  });
}

/** Records a failed attempt: back to the queue while attempts remain, else failed for good. */
export async function failIngestJob(db: Queryable, id: string, workerId: string, message: string): Promise<JobStatus | undefined> {
  const { rows } = await db.query<{ status: JobStatus }>(
    `UPDATE ingest_jobs SET status = CASE WHEN attempts < max_attempts THEN 'queued' ELSE 'failed' END,
            error = $3, locked_by = NULL, lease_expires_at = NULL, updated_at = now(),
            finished_at = CASE WHEN attempts < max_attempts THEN NULL ELSE now() END
      WHERE id = $1::uuid AND locked_by = $2 AND status = 'running'
      RETURNING status`,
    [id, workerId, message],
  );
  return rows[0]?.status;
}

function publicJob(job: ClaimedJob): IngestJob {
  const { options, ...rest } = job;
  void options;
  return rest;
}
