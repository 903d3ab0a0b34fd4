import { InputError } from '../errors.js';

/** One evaluated question: retrieval confidence, whether it was answerable and answered correctly. */
export interface CalibrationRow {
  queryId?: string;
  question?: string;
  /** Retrieval confidence in [0, 1] (RetrieveResult.confidence). */
  confidence: number;
  answerable: boolean;
  /** Whether the answer given (if not refused) was correct; ignored for unanswerable questions. */
  correct: boolean;
}

/** Utility of each outcome; refusing is worth 0. */
export interface CalibrationUtilities {
  /** Answering an answerable question correctly (default 1). */
  correctAnswer?: number;
  /** Answering wrongly, or answering an unanswerable question (default -1: as bad as a right answer is good). */
  wrongAnswer?: number;
}

/** One candidate threshold and what it would have done on these rows. */
export interface ThresholdPoint {
  threshold: number;
  utility: number;
  refusalAccuracy: number | undefined;
  falseRefusalRate: number | undefined;
  answered: number;
}

export interface RefusalCalibration {
  /** Refuse when confidence < threshold. */
  threshold: number;
  best: ThresholdPoint;
  curve: ThresholdPoint[];
}

/**
 * Fits the refusal threshold: tries refusing below every midpoint between consecutive distinct
 * confidences (plus "never refuse" and "always refuse") and keeps the one with the highest total
 * utility; ties go to the lower threshold (fewer refusals).
 */
export function calibrateRefusalThreshold(rows: readonly CalibrationRow[], utilities: CalibrationUtilities = {}): RefusalCalibration {
  if (rows.length === 0) throw new InputError('rows', 'need at least one row to calibrate');
  rows.forEach((row, index) => {
    if (!(row.confidence >= 0 && row.confidence <= 1)) throw new InputError(`rows[${index}].confidence`, `must be in [0, 1], got ${row.confidence}`);
  });
  const correctValue = utilities.correctAnswer ?? 1;
  const wrongValue = utilities.wrongAnswer ?? -1;
  const distinct = [...new Set(rows.map((row) => row.confidence))].sort((a, b) => a - b);
  const candidates = [0, ...distinct.slice(1).map((value, i) => (value + distinct[i]) / 2), distinct[distinct.length - 1] + 1e-9];
  const curve = candidates.map((threshold) => evaluate(rows, threshold, correctValue, wrongValue));
  let best = curve[0];
  for (const point of curve) if (point.utility > best.utility) best = point;
  return { threshold: best.threshold, best, curve };
}

function evaluate(rows: readonly CalibrationRow[], threshold: number, correctValue: number, wrongValue: number): ThresholdPoint {
  let utility = 0;
  let answered = 0;
  let unanswerable = 0;
  let refusedUnanswerable = 0;
  let answerable = 0;
  let refusedAnswerable = 0;
  for (const row of rows) {
    const refused = row.confidence < threshold;
    if (row.answerable) answerable += 1;
    else unanswerable += 1;
    if (refused) {
      if (row.answerable) refusedAnswerable += 1;
      else refusedUnanswerable += 1;
      continue;
    }
    answered += 1;
    utility += row.answerable && row.correct ? correctValue : wrongValue;
  }
  return {
    threshold,
    utility,
    refusalAccuracy: unanswerable === 0 ? undefined : refusedUnanswerable / unanswerable,
    falseRefusalRate: answerable === 0 ? undefined : refusedAnswerable / answerable,
    answered,
  };
}

/** A training row for the router's success predictor. */
export interface RouterTrainingRow {
  queryId?: string;
  question?: string;
  confidence: number;
  /** True when answering from documents succeeded: answerable and answered correctly. */
  success: boolean;
}

/** Training data for the router's success predictor from a run's per-query results. */
export function routerTrainingRows(rows: readonly CalibrationRow[]): RouterTrainingRow[] {
  return rows.map((row) => ({ queryId: row.queryId, question: row.question, confidence: row.confidence, success: row.answerable && row.correct }));
}
