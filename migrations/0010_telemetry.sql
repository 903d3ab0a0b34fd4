-- groundwork 0010: per-request telemetry, its per-minute rollups, and the monitor's open alerts.
-- Plain PostgreSQL 15 SQL; the same file runs on PGlite.
--
-- One telemetry row per ask, streamed ask, retrieve, chat completion and MCP call, written in
-- batches off the request path (src/monitor/telemetry-writer.ts). Drift checks sample these rows;
-- counts, rates, costs and latency percentiles come from the rollups, so windows and dashboards
-- read thousands of rollup rows instead of millions of requests.
CREATE TABLE telemetry (
  id bigserial PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  request_id text,
  tenant text NOT NULL,
  route text NOT NULL CHECK (route IN ('ask', 'ask-stream', 'retrieve', 'chat-completions', 'mcp')),
  arm text,
  status integer NOT NULL,                 -- HTTP status (499: the client left first)
  total_ms real NOT NULL CHECK (total_ms >= 0),
  stage_ms jsonb NOT NULL DEFAULT '{}',    -- {"cache": 1.2, "retrieve": 8.1, "sparse": 5.0, ...}
  refused boolean,                         -- null where the route gives no answer (retrieve)
  refusal_reason text,
  cache text CHECK (cache IN ('exact', 'semantic', 'miss')),
  model text,
  input_tokens integer NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
  output_tokens integer NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
  cost_usd double precision NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
  confidence real,                         -- the retriever's confidence in [0, 1]
  answerability real,                      -- the answer-or-refuse model's P(answerable)
  query_length integer,                    -- characters of the question or query
  query_terms text[],                      -- its distinct analyzed terms (at most 32), for term drift
  top_score real                           -- the best retrieved chunk's score
);
CREATE INDEX telemetry_tenant_created ON telemetry (tenant, created_at);
-- Retention deletes by time across tenants; the admin's all-tenant report reads by time too.
CREATE INDEX telemetry_created ON telemetry (created_at);

-- Per tenant, minute and route: counts and sums, added to by every telemetry flush in the same
-- statement that writes the rows (src/monitor/rollup-sql.ts).
CREATE TABLE telemetry_minute (
  tenant text NOT NULL,
  minute timestamptz NOT NULL,
  route text NOT NULL,
  requests integer NOT NULL,
  errors integer NOT NULL,                 -- status >= 500
  decided integer NOT NULL,                -- rows with refused not null (answers and refusals)
  refusals integer NOT NULL,
  cache_lookups integer NOT NULL,          -- rows with a cache outcome
  cache_hits integer NOT NULL,             -- exact or semantic
  input_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  cost_usd double precision NOT NULL,
  total_ms double precision NOT NULL,
  PRIMARY KEY (tenant, minute, route)
);
CREATE INDEX telemetry_minute_minute ON telemetry_minute (minute);

-- Latency histogram per tenant and minute (all routes: a route key would multiply its rows by five
-- for a breakdown no dashboard asks for): bucket b holds total_ms in (2^((b-1)/4), 2^(b/4)]
-- (bucket 0: up to 1 ms), so percentiles over any window are within one bucket (±9%).
CREATE TABLE telemetry_minute_latency (
  tenant text NOT NULL,
  minute timestamptz NOT NULL,
  bucket smallint NOT NULL,
  count integer NOT NULL,
  -- count in the key's index: series and percentiles read it by index-only scans.
  PRIMARY KEY (tenant, minute, bucket) INCLUDE (count)
);
CREATE INDEX telemetry_minute_latency_minute ON telemetry_minute_latency (minute);

-- Alerts the checks opened and have not resolved: a webhook is sent once when one opens and once
-- when it resolves, also across restarts. Resolved alerts stay (resolved_at set) as history.
CREATE TABLE monitor_alerts (
  id bigserial PRIMARY KEY,
  tenant text NOT NULL,
  key text NOT NULL,                       -- window:kind:signal, e.g. 1h:drift:query_length
  window_name text NOT NULL,
  kind text NOT NULL,
  signal text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('warning', 'critical')),
  value double precision,
  threshold double precision,
  message text NOT NULL,
  response text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}',
  opened_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  notified_severity text,                  -- the severity last delivered to the webhook
  resolve_notified boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX monitor_alerts_open ON monitor_alerts (tenant, key) WHERE resolved_at IS NULL;
