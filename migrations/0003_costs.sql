-- groundwork 0003: per-tenant daily budgets (reserve before a call, settle after) and the cost ledger.
-- Plain PostgreSQL 15 SQL; the same file runs on PGlite. Money is numeric (exact sums); read it with ::float8.

-- One row per tenant and UTC day. The reserve statement in src/router/sql-budget-store.ts keeps
-- spent_usd + reserved_usd <= limit_usd with one atomic INSERT ... ON CONFLICT DO UPDATE ... WHERE.
CREATE TABLE tenant_budgets (
  tenant text NOT NULL,
  day date NOT NULL,
  limit_usd numeric NOT NULL CHECK (limit_usd >= 0),
  spent_usd numeric NOT NULL DEFAULT 0 CHECK (spent_usd >= 0),
  reserved_usd numeric NOT NULL DEFAULT 0 CHECK (reserved_usd >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, day)
);

-- One row per reserved call; settled_at is set once (settling is idempotent). Rows left unsettled
-- by a crashed process are released by releaseStaleReservations.
CREATE TABLE budget_reservations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant text NOT NULL,
  day date NOT NULL,
  request_id text NOT NULL,
  model text NOT NULL,
  amount_usd numeric NOT NULL CHECK (amount_usd >= 0),
  actual_usd numeric,
  created_at timestamptz NOT NULL DEFAULT now(),
  settled_at timestamptz
);
CREATE INDEX budget_reservations_open ON budget_reservations (created_at) WHERE settled_at IS NULL;

-- Every model, embedding and rerank call (and answer-cache hits, at cost 0).
CREATE TABLE cost_ledger (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  tenant text NOT NULL,
  request_id text NOT NULL,
  route text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('chat', 'embedding', 'rerank', 'cache')),
  model text NOT NULL,
  provider text NOT NULL,
  input_tokens integer NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
  output_tokens integer NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
  cached_input_tokens integer NOT NULL DEFAULT 0 CHECK (cached_input_tokens >= 0),
  cost_usd numeric NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
  latency_ms double precision NOT NULL CHECK (latency_ms >= 0),
  cache_hit boolean NOT NULL DEFAULT false,
  outcome text NOT NULL CHECK (outcome IN ('ok', 'error', 'check-failed'))
);
CREATE INDEX cost_ledger_at ON cost_ledger (at);
CREATE INDEX cost_ledger_tenant_at ON cost_ledger (tenant, at);
CREATE INDEX cost_ledger_request ON cost_ledger (request_id);
