import type { AlertKind, AlertSeverity, DriftSignalName, DriftType } from './types.js';

/**
 * The methodology's drift response playbook (phase 7), row by row: detection, severity, response.
 * Feature drift: PSI > 0.1 warning, PSI > 0.25 critical; prediction drift: warning; a chi-square
 * shift of a categorical distribution: warning.
 */
export const DRIFT_PLAYBOOK = {
  featureWarning: 'Investigate cause, monitor performance',
  featureCritical: 'Retrain on recent data within 24h',
  prediction: 'May indicate upstream data issue',
  categorical: 'Verify label quality, check for data issues',
} as const;

/**
 * Each signal's drift type. The query's length and terms are the system's input; the retrieval
 * score and confidence are the answer-or-refuse model's input features (src/generate's
 * answerability features), so they drift as features too; the answerability score is that
 * model's output: prediction drift.
 */
export const SIGNAL_DRIFT_TYPE: Record<DriftSignalName, DriftType> = {
  query_length: 'feature',
  query_terms: 'feature',
  top_score: 'feature',
  confidence: 'feature',
  answerability: 'prediction',
  // The embedding is the dense leg's and the semantic cache's input: an input feature.
  query_embedding: 'feature',
};

/** What "retrain" and "investigate" mean for groundwork, per signal (appended to the playbook's words). */
const GROUNDWORK_ACTIONS: Record<DriftSignalName, string> = {
  query_length: 'groundwork: compare recent questions with the golden set (add new kinds of question to it), then re-run `groundwork eval run` and retrain the answerability model (`groundwork answerability train`) on recent traffic.',
  query_terms: 'groundwork: the vocabulary of questions changed; check that the documents cover the new topics (ingest them), extend the golden set, re-run `groundwork eval run`.',
  top_score: 'groundwork: retrieval scores shifted; check recent ingests and deletions and the index (embedder, analyzer version), re-run `groundwork eval run`; retrain the answerability model and the ranker on recent data.',
  confidence: 'groundwork: retrieval confidence shifted; check recent ingests and the index, re-run `groundwork eval run`, retrain the answerability model on recent data.',
  answerability: 'groundwork: answer-or-refuse scores shifted; check the retrieval signals above and the refusal rate, then re-run the golden set and recalibrate (`groundwork answerability train`).',
  query_embedding:
    'groundwork: the meaning of the questions moved (new topics or phrasing); read recent questions, check that the documents cover them (ingest them), extend the golden set, re-run `groundwork eval run`, then retrain the answerability model and the ranker on recent data and recalibrate the semantic cache threshold (`groundwork cache calibrate`).',
};

/** The playbook response for a drift verdict, with groundwork's concrete steps. */
export function driftResponse(signal: DriftSignalName, severity: AlertSeverity, method: 'psi' | 'chi2'): string {
  const type = SIGNAL_DRIFT_TYPE[signal];
  const playbook =
    method === 'chi2' ? DRIFT_PLAYBOOK.categorical : type === 'prediction' ? DRIFT_PLAYBOOK.prediction : severity === 'critical' ? DRIFT_PLAYBOOK.featureCritical : DRIFT_PLAYBOOK.featureWarning;
  return `${playbook}. ${GROUNDWORK_ACTIONS[signal]}`;
}

/** Responses for the operational alerts (not drift). */
export const OPERATIONAL_RESPONSES: Record<Exclude<AlertKind, 'drift'>, string> = {
  'error-rate':
    'Error rate above the methodology threshold (1%): find the failing routes and error codes in the request log (by x-request-id), check the database and the model providers; if errors began with a promotion, roll it back (methodology: auto-rollback if error_rate > 2x baseline).',
  latency: 'Latency above its threshold: check the per-stage times in the report (retrieval legs, rerank, generation), the database and the model providers; scale out or route to a faster model.',
};
