-- groundwork 0013: the numeric precision (dtype: fp32, q8, ...) of the embedder that built an
-- index, where the embedder reports one (local models). A query embedded at another precision of
-- the same model may search that index only when the two precisions pass the parity check
-- (src/models/local-precision-parity.ts). NULL: not recorded (a remote model, or an index built
-- before this migration; the next ingest with a local model records it).
-- Plain PostgreSQL 15 SQL; the same file runs on PGlite.
ALTER TABLE embedders ADD COLUMN dtype text;
