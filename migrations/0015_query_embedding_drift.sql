-- groundwork 0015: query-embedding drift. Plain PostgreSQL 15 SQL; the same file runs on PGlite.
--
-- A request whose query was embedded (dense or hybrid retrieval, a semantic-cache lookup) records
-- the embedding's coordinates along 16 fixed random unit directions seeded from the embedder's
-- identity (src/monitor/query-projection.ts), not the vector itself: 64 bytes instead of 1.5-4 KB
-- a row. Drift compares each coordinate's distribution (PSI, KS) and the windows' centroids,
-- only between rows of the same embedder identity. Both columns are null when nothing embedded
-- the query (sparse mode, an exact cache hit, no embedder installed).
ALTER TABLE telemetry
  ADD COLUMN query_embedder text,          -- embedder id@revision/dimensions
  ADD COLUMN query_projection real[];      -- the normalized embedding's 16 coordinates
