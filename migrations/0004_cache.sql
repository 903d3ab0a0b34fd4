-- groundwork 0004: the answer cache (exact and semantic layers) with document-version invalidation.
-- Plain PostgreSQL 15 SQL; the same file runs on PGlite.

-- Embedders whose query vectors the cache holds. The HNSW index for each is created at runtime
-- (src/cache/cache-embedder-registry.ts) as a partial expression index over its own dimension:
--   CREATE INDEX cache_entries_hnsw_<id> ON cache_entries USING hnsw ((embedding::vector(<dims>)) vector_cosine_ops)
--   WHERE embedder_id = <id>
-- built from these two validated integers only.
CREATE TABLE cache_embedders (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  embedder_key text NOT NULL UNIQUE,        -- "<model id>@<revision>"
  dimensions integer NOT NULL CHECK (dimensions BETWEEN 1 AND 2000),  -- pgvector HNSW limit
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cache_entries (
  id uuid PRIMARY KEY,
  tenant text NOT NULL,
  scope_key text NOT NULL,                  -- sha256 of the scope (answer config, prompt version, retrieval mode and filters, embedder)
  question_key text NOT NULL,               -- sha256 of the normalized question
  question text NOT NULL,
  answer text NOT NULL,
  citations jsonb NOT NULL DEFAULT '[]'::jsonb,
  documents jsonb NOT NULL DEFAULT '[]'::jsonb,  -- [{id, version}] as used by the answer
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  embedder_id integer REFERENCES cache_embedders (id),
  embedding vector,                         -- no fixed dimension: one column for every embedder
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  last_hit_at timestamptz NOT NULL,
  hit_count integer NOT NULL DEFAULT 0,
  UNIQUE (tenant, scope_key, question_key)
) WITH (fillfactor = 80);
-- No index on last_hit_at on purpose: a hit updates only unindexed columns, so PostgreSQL can do
-- a HOT update (fillfactor leaves room) instead of re-inserting the row into every index,
-- the HNSW one included (measured: ~7 ms per hit with the index, see bench/cache.ts).
-- LRU eviction sorts by last_hit_at on the write path instead.
CREATE INDEX cache_entries_expiry_idx ON cache_entries (expires_at);
CREATE INDEX cache_entries_scope_idx ON cache_entries (embedder_id, tenant, scope_key);

-- Which document versions each entry used. No foreign key to documents on purpose: a deleted
-- document must leave this row behind so the entry reads as stale instead of silently valid.
CREATE TABLE cache_entry_documents (
  entry_id uuid NOT NULL REFERENCES cache_entries (id) ON DELETE CASCADE,
  tenant text NOT NULL,
  document_id bigint NOT NULL,
  document_version integer NOT NULL,
  PRIMARY KEY (entry_id, document_id)
);
CREATE INDEX cache_entry_documents_document_idx ON cache_entry_documents (tenant, document_id);
