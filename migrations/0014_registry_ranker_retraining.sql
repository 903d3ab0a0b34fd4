-- Ranker retraining from feedback: an answered question keeps the documents its answer cited
-- (external ids; a thumbs up makes them relevant judgments for the question), and a retraining
-- run names which model it retrains.
ALTER TABLE registry_served_questions ADD COLUMN cited_documents jsonb NOT NULL DEFAULT '[]'::jsonb;

ALTER TABLE registry_retraining_runs DROP CONSTRAINT registry_retraining_runs_kind_check;
ALTER TABLE registry_retraining_runs ADD CONSTRAINT registry_retraining_runs_kind_check CHECK (kind IN ('answerability-model', 'ranker'));
