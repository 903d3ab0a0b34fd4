-- groundwork 0009: admin API keys, and the first-run key that `groundwork serve` makes.
-- Plain PostgreSQL 15 SQL; the same file runs on PGlite.

-- An admin key may also manage keys over HTTP (POST/GET/DELETE /v1/keys), for any tenant.
ALTER TABLE api_keys ADD COLUMN admin boolean NOT NULL DEFAULT false;

-- The key `serve` created on first start (auth on, no active key). At most one row ever has it,
-- so concurrent first starts (several servers on one PostgreSQL) create one key, and a store
-- whose bootstrap key was revoked never gets another one by itself.
ALTER TABLE api_keys ADD COLUMN bootstrap boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX api_keys_one_bootstrap_idx ON api_keys (bootstrap) WHERE bootstrap;
