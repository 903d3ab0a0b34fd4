-- groundwork 0012: the registry of models and answer configurations (src/registry): versioned
-- entries with stages, their promotion history, eval gate and load-benchmark records, and the
-- rollouts (A/B tests and canaries) that serve two entries side by side, with every decision.
-- Plain PostgreSQL 15 SQL; the same file runs on PGlite.
--
-- Scope: `tenant` is a tenant name, or '*' for an entry every tenant uses unless it has its own
-- ('*' is outside the tenant-name rule, so it never names a real tenant).

CREATE TABLE registry_entries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('answerability-model', 'ranker', 'router-predictor', 'cache-calibration', 'answer-config')),
  name text NOT NULL,
  version text NOT NULL,                       -- semantic version MAJOR.MINOR.PATCH
  stage text NOT NULL DEFAULT 'dev' CHECK (stage IN ('dev', 'staging', 'production', 'archived')),
  overrides jsonb NOT NULL,                    -- the config override the entry applies (validated by the config schema)
  artifact_path text,                          -- the model file of a learned artifact
  model_card_path text,
  experiment_ids text[] NOT NULL DEFAULT '{}', -- EXP-YYYY-MM-DD-NNN records behind it
  dataset_hashes jsonb NOT NULL DEFAULT '{}'::jsonb,
  code_version text NOT NULL,
  description text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant, kind, name, version)
);
-- One production entry per kind and scope.
CREATE UNIQUE INDEX registry_entries_one_production_idx ON registry_entries (tenant, kind) WHERE stage = 'production';
CREATE INDEX registry_entries_tenant_idx ON registry_entries (tenant, kind, created_at DESC);

-- Every stage change (promotion, canary completion, rollback), with who or what made it and why.
CREATE TABLE registry_promotions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant text NOT NULL,
  entry_id bigint NOT NULL REFERENCES registry_entries (id) ON DELETE CASCADE,
  from_stage text NOT NULL,
  to_stage text NOT NULL,
  actor text NOT NULL,                         -- 'cli', 'canary', 'retraining', ...
  reason text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registry_promotions_entry_idx ON registry_promotions (tenant, entry_id, created_at);

-- Eval gate runs (`groundwork eval gate`): pass or fail, why, and the two experiments compared.
CREATE TABLE registry_gate_records (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant text NOT NULL,
  entry_id bigint REFERENCES registry_entries (id) ON DELETE CASCADE,
  baseline_entry_id bigint REFERENCES registry_entries (id) ON DELETE SET NULL,
  passed boolean NOT NULL,
  reasons jsonb NOT NULL,                      -- the checks, each with its figures and verdict
  experiment_ids text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registry_gate_records_entry_idx ON registry_gate_records (tenant, entry_id, created_at DESC);

-- Load benchmarks of an entry (`groundwork registry load-test`): figures against the limits.
CREATE TABLE registry_load_benchmarks (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant text NOT NULL,
  entry_id bigint NOT NULL REFERENCES registry_entries (id) ON DELETE CASCADE,
  passed boolean NOT NULL,
  figures jsonb NOT NULL,
  limits jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registry_load_benchmarks_entry_idx ON registry_load_benchmarks (tenant, entry_id, created_at DESC);

-- Two entries serving live traffic: an A/B test or a canary. `control_entry_id` null means the
-- base configuration (no production entry yet). The treatment takes the requests whose stable hash
-- bucket is under `treatment_share`; a canary raises the share step by step.
CREATE TABLE registry_rollouts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('ab', 'canary')),
  entry_kind text NOT NULL,
  control_entry_id bigint REFERENCES registry_entries (id) ON DELETE CASCADE,
  treatment_entry_id bigint NOT NULL REFERENCES registry_entries (id) ON DELETE CASCADE,
  treatment_share double precision NOT NULL CHECK (treatment_share > 0 AND treatment_share <= 1),
  step integer NOT NULL DEFAULT 0,
  step_started_at timestamptz NOT NULL,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb, -- windows, thresholds, minimum sample
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'rolled-back', 'shipped', 'killed', 'stopped')),
  decision jsonb,
  started_at timestamptz NOT NULL,
  ended_at timestamptz
);
-- One running rollout per tenant: a request is in at most one experiment.
CREATE UNIQUE INDEX registry_rollouts_one_running_idx ON registry_rollouts (tenant) WHERE status = 'running';

CREATE TABLE registry_rollout_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant text NOT NULL,
  rollout_id bigint NOT NULL REFERENCES registry_rollouts (id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  event text NOT NULL,                         -- start, hold, advance, complete, rollback, decide, stop
  treatment_share double precision NOT NULL,
  metrics jsonb NOT NULL DEFAULT '{}'::jsonb,
  reason text NOT NULL
);
CREATE INDEX registry_rollout_events_rollout_idx ON registry_rollout_events (tenant, rollout_id, at);

-- The question of each answered request, so a rating of that request (feedback, 0011) becomes a
-- labelled question for retraining. Written by the server's arm layer for /v1/ask; deleted with
-- the tenant's data like every other row.
CREATE TABLE registry_served_questions (
  tenant text NOT NULL,
  request_id text NOT NULL,
  question text NOT NULL,
  refused boolean NOT NULL,                    -- whether the answer was a refusal (what a rating judged)
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, request_id)
);
CREATE INDEX registry_served_questions_created_idx ON registry_served_questions (tenant, created_at);

-- Retraining runs: a queue any serve or worker process drains with FOR UPDATE SKIP LOCKED (the
-- ingest queue's pattern); `trigger` says why it was queued (schedule, drift, manual).
CREATE TABLE registry_retraining_runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('answerability-model')),
  trigger text NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  options jsonb NOT NULL DEFAULT '{}'::jsonb,
  locked_by text,
  lease_expires_at timestamptz,
  result jsonb,
  error text,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX registry_retraining_runs_claimable_idx ON registry_retraining_runs (created_at) WHERE status IN ('queued', 'running');
CREATE INDEX registry_retraining_runs_tenant_idx ON registry_retraining_runs (tenant, created_at DESC);
