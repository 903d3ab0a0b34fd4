/** One answered question: whether it was answerable and whether the system refused. */
export interface RefusalRow {
  answerable: boolean;
  refused: boolean;
}

/** Refusal behaviour over a set of questions. */
export interface RefusalMetrics {
  /** Refused unanswerable / unanswerable; undefined when there are no unanswerable questions. */
  refusalAccuracy: number | undefined;
  /** Refused answerable / answerable; undefined when there are no answerable questions. */
  falseRefusalRate: number | undefined;
  unanswerable: number;
  answerable: number;
}

/** Refusal accuracy on unanswerable questions and false-refusal rate on answerable ones. */
export function refusalMetrics(rows: readonly RefusalRow[]): RefusalMetrics {
  const unanswerable = rows.filter((row) => !row.answerable);
  const answerable = rows.filter((row) => row.answerable);
  return {
    refusalAccuracy: unanswerable.length === 0 ? undefined : unanswerable.filter((row) => row.refused).length / unanswerable.length,
    falseRefusalRate: answerable.length === 0 ? undefined : answerable.filter((row) => row.refused).length / answerable.length,
    unanswerable: unanswerable.length,
    answerable: answerable.length,
  };
}
