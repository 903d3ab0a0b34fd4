-- groundwork 0011: answer feedback from people (the web console's thumbs, POST /v1/feedback).
-- Plain PostgreSQL 15 SQL; the same file runs on PGlite.

-- One rating per answered request and tenant: a second rating for the same request replaces the
-- first (its correction too), so a changed mind is one label, not two that disagree. request_id
-- is the response's x-request-id, the key that joins a label to telemetry and the cost ledger.
CREATE TABLE feedback (
  id bigserial PRIMARY KEY,
  tenant text NOT NULL,
  request_id text NOT NULL,
  rating smallint NOT NULL CHECK (rating IN (-1, 1)),
  correct_answer text NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant, request_id)
);
-- Labels over time per tenant (monitoring, retraining exports).
CREATE INDEX feedback_tenant_created_idx ON feedback (tenant, created_at);
