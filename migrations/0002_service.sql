-- groundwork 0002: the HTTP service's own tables: API keys and the ingestion job queue.
-- Plain PostgreSQL 15 SQL; the same file runs on PGlite.

-- API keys. Only the sha256 of the secret is stored (never the secret); `prefix` is the first
-- characters of the secret, kept for display so an operator can tell keys apart.
CREATE TABLE api_keys (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant text NOT NULL,
  secret_sha256 text NOT NULL UNIQUE,
  prefix text NOT NULL,
  name text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant);

-- Ingestion jobs (large uploads). Workers claim the oldest claimable job with
-- `FOR UPDATE SKIP LOCKED`, so any number of worker processes on any number of machines can drain
-- the queue without taking the same job twice. A running job holds a lease that its worker renews;
-- a job whose lease ran out (its worker died) is claimable again until max_attempts.
CREATE TABLE ingest_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant text NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  options jsonb NOT NULL DEFAULT '{}'::jsonb,
  total_bytes bigint NOT NULL DEFAULT 0,
  file_count integer NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 3,
  locked_by text,
  lease_expires_at timestamptz,
  result jsonb,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ingest_jobs_claimable_idx ON ingest_jobs (created_at) WHERE status IN ('queued', 'running');
CREATE INDEX ingest_jobs_tenant_idx ON ingest_jobs (tenant, created_at);

-- The uploaded files of a job, deleted with it once it is done (the documents hold the text).
CREATE TABLE ingest_job_files (
  job_id uuid NOT NULL REFERENCES ingest_jobs (id) ON DELETE CASCADE,
  ordinal integer NOT NULL,
  name text NOT NULL,
  content bytea NOT NULL,
  PRIMARY KEY (job_id, ordinal)
);
