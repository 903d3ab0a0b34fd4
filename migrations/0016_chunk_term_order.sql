-- groundwork 0016: each chunk's text terms in order, for the learned ranker. Plain PostgreSQL 15 SQL;
-- the same file runs on PGlite.
--
-- One format byte, then per analyzed position the index of its term in the chunk's own `terms`
-- array (1: a byte each, 2: two bytes little-endian; src/search-index/term-order.ts). The ranker's
-- proximity, bigram and RM3 features read it instead of analyzing the candidate's text at query
-- time (about 150 bytes for a SciFact abstract). Null for chunks written before this migration and
-- for chunks with more than 65,536 distinct terms: the ranker analyzes their text, with the same
-- result. Chunk rows are never updated, so the order always belongs to the row's text.
ALTER TABLE chunks ADD COLUMN term_order bytea;
