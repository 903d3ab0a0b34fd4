/** The entry kinds retraining from feedback produces candidates of (registry_retraining_runs.kind). */
export const RETRAINABLE_KINDS = ['answerability-model', 'ranker'] as const;
export type RetrainableKind = (typeof RETRAINABLE_KINDS)[number];
