-- groundwork 0008: where a document's file lies on the ingesting machine, apart from its source.
-- Plain PostgreSQL 15 SQL; the same file runs on PGlite.
--
-- documents.source is what users see (over HTTP too): the path relative to the ingest root, or
-- upload:<name>. Absolute server paths must not leak there, yet `ingest --prune` needs them to
-- know which documents lie under the roots it was given. They live here, read only by the prune.
-- NULL for uploads and ready-made documents, and for rows written before 0008 (whose source is
-- still the absolute path until their next ingest; the prune reads COALESCE(location, source)).
ALTER TABLE documents ADD COLUMN location text;
