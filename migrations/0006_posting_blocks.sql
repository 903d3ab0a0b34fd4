-- groundwork 0006: BM25 postings in blocks. Plain PostgreSQL 15 SQL; the same file runs on PGlite.
--
-- 0001 stored one row per (term, chunk): about 230 rows per 512-token chunk, which made ingest
-- PostgreSQL-bound on index inserts and made every query aggregate each posting of each query
-- term as a separate index tuple. Here each write batch (one ingest transaction's documents) gets
-- a block id, and each term of the batch gets ONE row holding that batch's postings of the term as
-- parallel arrays (chunk ids ascending, term frequencies, chunk lengths). bench/posting-layouts.ts
-- measures this layout against the row-per-posting one and against tsvector + GIN candidates.
--
-- Each row also carries:
--   n       its entry count: a term's document frequency is sum(n) over its rows, read from the
--           primary key alone (INCLUDE), so df is exact and transactional with the chunk writes
--           and needs no shared counter rows (concurrent ingest workers write disjoint rows);
--   max_tf, min_dl  an upper bound on any entry's BM25 term weight in the row, for top-k pruning
--           (src/retrieve/sparse-leg.ts). Deleting entries may leave them loose, never wrong.
-- A chunk keeps its block id and its distinct terms, so deleting it rewrites exactly the rows
-- that hold it (one primary-key lookup per term).
--
-- A block holds at most 240 chunks, so a row's arrays stay under 4 KB and are stored PLAIN:
-- inline and uncompressed. Reading an entry then costs no decompression, which made looking up
-- one chunk's entry in a row 7x cheaper than with the default (compressed) storage, measured.
CREATE SEQUENCE posting_block_seq;

ALTER TABLE chunks ADD COLUMN posting_block bigint;
ALTER TABLE chunks ADD COLUMN terms text[] NOT NULL DEFAULT '{}';

CREATE TABLE posting_blocks (
  tenant text NOT NULL,
  term text NOT NULL,
  block_id bigint NOT NULL,
  n integer NOT NULL CHECK (n >= 0),   -- 0 only inside the deleting transaction, which then removes the row
  max_tf integer NOT NULL,
  min_dl integer NOT NULL,
  chunk_ids bigint[] NOT NULL,
  tfs integer[] NOT NULL,
  dls integer[] NOT NULL,
  PRIMARY KEY (tenant, term, block_id) INCLUDE (n, max_tf, min_dl)
);
-- Rows emptied by a delete, found without scanning the table.
ALTER TABLE posting_blocks ALTER COLUMN chunk_ids SET STORAGE PLAIN,
                           ALTER COLUMN tfs SET STORAGE PLAIN,
                           ALTER COLUMN dls SET STORAGE PLAIN;
CREATE INDEX posting_blocks_empty_idx ON posting_blocks (tenant) WHERE n = 0;

-- Existing postings move into blocks of 240 consecutive chunk ids.
UPDATE chunks c
   SET posting_block = c.id / 240 + 1,
       terms = COALESCE((SELECT array_agg(ct.term ORDER BY ct.term) FROM chunk_terms ct WHERE ct.chunk_id = c.id), '{}');
INSERT INTO posting_blocks (tenant, term, block_id, n, max_tf, min_dl, chunk_ids, tfs, dls)
SELECT tenant, term, chunk_id / 240 + 1, count(*), max(tf), min(dl),
       array_agg(chunk_id ORDER BY chunk_id), array_agg(tf ORDER BY chunk_id), array_agg(dl ORDER BY chunk_id)
  FROM chunk_terms
 GROUP BY tenant, term, chunk_id / 240 + 1;
SELECT setval('posting_block_seq', COALESCE((SELECT max(block_id) FROM posting_blocks), 0) + 1);
ALTER TABLE chunks ALTER COLUMN posting_block SET NOT NULL;

DROP TABLE chunk_terms;
