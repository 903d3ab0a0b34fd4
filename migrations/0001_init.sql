-- groundwork: the first schema. Same SQL on PGlite (PostgreSQL 18) and PostgreSQL 15 + pgvector 0.8.
CREATE EXTENSION IF NOT EXISTS vector;

-- One row per tenant; index_version is bumped by every ingest transaction that changes the index.
CREATE TABLE tenants (
  tenant text PRIMARY KEY,
  index_version bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE documents (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant text NOT NULL,
  external_id text NOT NULL,          -- file path relative to the ingest root, or the dataset's own id
  source text NOT NULL,
  title text NOT NULL DEFAULT '',
  content_hash text NOT NULL,
  config_hash text NOT NULL,          -- hash of the ingest configuration (chunker, sizes, analyzer, embedder)
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  version integer NOT NULL DEFAULT 1, -- bumped whenever its chunks are replaced
  chunk_count integer NOT NULL DEFAULT 0,
  token_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant, external_id)
);

CREATE TABLE chunks (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  tenant text NOT NULL,
  ordinal integer NOT NULL,
  text text NOT NULL,
  token_count integer NOT NULL,
  heading_path text[] NOT NULL DEFAULT '{}',
  page integer,
  char_start integer NOT NULL,
  char_end integer NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  term_count integer NOT NULL,        -- BM25 document length: analyzer terms, title terms included
  UNIQUE (document_id, ordinal)
);
CREATE INDEX chunks_tenant_idx ON chunks (tenant, document_id);

-- BM25 postings: one row per (term, chunk). The chunk length is copied here so scoring reads the
-- postings alone; document frequencies are counted from the postings at query time, so they
-- are exact and transactional with the chunk writes, with no shared counter rows to contend on.
-- No foreign key: a per-row referential check costs a quarter of ingest time (measured on
-- SciFact); src/ingest/document-store.ts deletes postings with their chunks in one transaction.
CREATE TABLE chunk_terms (
  tenant text NOT NULL,
  term text NOT NULL,
  chunk_id bigint NOT NULL,
  tf integer NOT NULL,
  dl integer NOT NULL,
  PRIMARY KEY (tenant, term, chunk_id) INCLUDE (tf, dl)
);
CREATE INDEX chunk_terms_chunk_idx ON chunk_terms (chunk_id);

-- Collection size and total length per tenant, kept by aggregation: each ingest transaction
-- appends one delta row (no hot-row updates), and compaction folds them into one row.
CREATE TABLE tenant_term_stats (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant text NOT NULL,
  chunk_delta bigint NOT NULL,
  length_delta bigint NOT NULL
);
CREATE INDEX tenant_term_stats_tenant_idx ON tenant_term_stats (tenant);

-- Embedding models that built an index. The HNSW index for each is created when it registers
-- (dimension known then), as a partial expression index over chunk_embeddings.
CREATE TABLE embedders (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_id text NOT NULL,
  revision text NOT NULL,
  dimensions integer NOT NULL CHECK (dimensions BETWEEN 1 AND 16000),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (model_id, revision, dimensions)
);

-- Which embedder serves a tenant's queries, and which one a --reembed is building beside it.
CREATE TABLE tenant_embedders (
  tenant text PRIMARY KEY,
  active_embedder_id integer NOT NULL REFERENCES embedders (id),
  building_embedder_id integer REFERENCES embedders (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE chunk_embeddings (
  embedder_id integer NOT NULL REFERENCES embedders (id),
  chunk_id bigint NOT NULL REFERENCES chunks (id) ON DELETE CASCADE,
  tenant text NOT NULL,
  embedding vector NOT NULL,
  PRIMARY KEY (embedder_id, chunk_id)
);
CREATE INDEX chunk_embeddings_chunk_idx ON chunk_embeddings (chunk_id);
CREATE INDEX chunk_embeddings_tenant_idx ON chunk_embeddings (embedder_id, tenant);
