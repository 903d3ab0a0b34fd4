-- groundwork 0007: cache hit records in their own narrow table. Plain PostgreSQL 15 SQL; the same
-- file runs on PGlite.
--
-- 0004 counted hits in cache_entries itself (HOT updates, see the comment there). Its rows are wide
-- (~2.6 KB with a 384-dim vector, 3 to a page), so one flush of ~300 batched hits on distinct
-- entries dirtied ~300 heap pages, nearly each written whole to the WAL (the table's 33k pages are
-- rarely touched twice between checkpoints): ~2 MB of WAL and 12-120 ms of PostgreSQL CPU per
-- flush at 100k entries, and a slower hit path for concurrent lookups (bench/cache.ts's database).
-- Here a hit writes a 56-byte row, ~110 to a page; the entry row is only read. The same flush
-- measured 70-260 KB of WAL: with ~900 pages at 100k entries, full-page images fall to a few per
-- flush within seconds of a checkpoint.
--
-- An entry's hit count is cache_entries.hit_count (its value at creation) plus this table's
-- hit_count; its LRU clock is the later of the two last_hit_at. Every read of an entry joins this
-- table (src/cache/stores/entry-row.ts).
--
-- No foreign key to cache_entries on purpose: checking one on insert takes a FOR KEY SHARE lock on
-- the referenced row, which dirties the wide row's page again. The trigger below removes a deleted
-- entry's hit row instead. An entry deleted while a hit on it is being written can leave its hit
-- row behind (the write checked that the entry existed, then inserted after the delete's trigger
-- ran): reads never see it (they start from cache_entries) and entry ids are never reused, so it
-- is a few bytes of garbage, not a wrong count.
CREATE TABLE cache_entry_hits (
  entry_id uuid PRIMARY KEY,                -- cache_entries.id
  hit_count integer NOT NULL,
  last_hit_at timestamptz NOT NULL
) WITH (fillfactor = 80);
-- Only entry_id is indexed, so a hit on an entry that already has a row is a HOT update; the 20%
-- left free on each page holds ~25 new row versions before the page has to be pruned.

-- One statement-level trigger for any delete (remove, clear, eviction, invalidation): the deleted
-- ids arrive as one transition table, so a delete of many entries costs one join, not a call per row.
CREATE FUNCTION cache_entry_hits_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM cache_entry_hits h USING deleted_cache_entries d WHERE h.entry_id = d.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER cache_entries_forget_hits AFTER DELETE ON cache_entries
  REFERENCING OLD TABLE AS deleted_cache_entries
  FOR EACH STATEMENT EXECUTE FUNCTION cache_entry_hits_forget();

-- Hits counted so far move here and cache_entries.hit_count goes back to 0, so nothing is counted
-- twice. last_hit_at stays in both: the later of the two is the same time.
INSERT INTO cache_entry_hits (entry_id, hit_count, last_hit_at)
  SELECT id, hit_count, last_hit_at FROM cache_entries WHERE hit_count > 0;
UPDATE cache_entries SET hit_count = 0 WHERE hit_count > 0;
