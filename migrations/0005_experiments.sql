-- Experiment records of the eval harness (src/eval/experiment-store.ts). Plain PostgreSQL 15 SQL.

-- Per-day counter behind the EXP-YYYY-MM-DD-NNN ids: one atomic upsert hands out the next number.
CREATE TABLE experiment_counters (
  day date PRIMARY KEY,
  last_number integer NOT NULL CHECK (last_number BETWEEN 1 AND 999)
);

CREATE TABLE experiments (
  id text PRIMARY KEY CHECK (id ~ '^EXP-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{3}$'),
  tenant text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  hypothesis text,
  dataset jsonb NOT NULL,            -- {kind: beir|golden, path, split?, hash}
  dataset_hash text NOT NULL,
  config jsonb NOT NULL,             -- the full resolved configuration
  code_version text NOT NULL,        -- git commit, else package version
  metrics jsonb NOT NULL,            -- metric name -> {mean, lower, upper, n}
  counts jsonb NOT NULL DEFAULT '{}'::jsonb,
  baseline_id text REFERENCES experiments (id) ON DELETE SET NULL,
  comparison jsonb,                  -- metric name -> paired test against the baseline
  verdict text NOT NULL DEFAULT 'iterate' CHECK (verdict IN ('promoted', 'archived', 'iterate')),
  notes text
);

CREATE INDEX experiments_tenant_created_idx ON experiments (tenant, created_at DESC);

CREATE TABLE experiment_query_results (
  experiment_id text NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
  query_id text NOT NULL,
  ordinal integer NOT NULL,
  metrics jsonb NOT NULL,            -- metric name -> value for this query
  details jsonb NOT NULL DEFAULT '{}'::jsonb, -- question, segment, retrieved ids, answer, latency, cost...
  PRIMARY KEY (experiment_id, query_id)
);
