/** Names of the question guards; also the label of rejection counters. */
export type GuardName = 'negation' | 'number' | 'entity' | 'comparison' | 'reranker';

/** Why a guard refused to serve a cached answer for a new question. */
export interface GuardReason {
  guard: GuardName;
  /** Low-cardinality code for metrics, e.g. `negation.polarity`, `number.unit`. */
  code: string;
  /** Human-readable detail naming the words involved. */
  detail: string;
}

/** A mismatch check between a new question and a cached one; an empty result means "no objection". */
export interface QuestionGuard {
  readonly name: Exclude<GuardName, 'reranker'>;
  check(newQuestion: string, cachedQuestion: string): GuardReason[];
}
