import { InputError } from '../errors.js';
import type { Embedder } from '../models/types.js';
import { MEANING_CHANGING_KINDS, type CachePair } from './cache-pairs.js';
import { createGuardSet, type GuardSetOptions } from './guards/guard-set.js';
import type { GuardReason } from './guards/guard-types.js';

/** Thresholds scanned by calibration: 0.50 to 0.99 in steps of 0.01. */
export const CALIBRATION_THRESHOLDS: readonly number[] = Array.from({ length: 50 }, (_, i) => Math.round((0.5 + i * 0.01) * 100) / 100);

/** Outcome at one similarity threshold, guards applied (served = similar enough and no guard objects). */
export interface ThresholdRow {
  threshold: number;
  precision: number | null;
  recall: number;
  hitRate: number;
  /** Same without guards: what the embedding alone would serve. */
  precisionWithoutGuards: number | null;
  served: number;
}

/** calibrate's report (the `--json` document of `groundwork cache calibrate`). */
export interface CalibrationReport {
  thresholds: ThresholdRow[];
  /** Lowest threshold whose precision meets the target (highest hit rate), or null. */
  chosen: number | null;
  /** Set when no threshold could be computed (no embedder), saying why. */
  note?: string;
  embedder: string | null;
  targetPrecision: number;
  guards: {
    rejectedByKind: Record<string, { rejected: number; total: number; rate: number }>;
    /** Share of negation/number/entity/comparison pairs the guards reject. */
    meaningChangingRejected: number | null;
    /** Share of paraphrases (same: true) the guards wrongly reject. */
    paraphrasesRejected: number | null;
    pairs: Array<{ a: string; b: string; same: boolean; kind?: string; rejected: boolean; reasons: GuardReason[]; similarity?: number }>;
  };
}

/**
 * Reports, for labelled pairs, what the guards reject and (with an embedder) precision, recall
 * and hit rate per cosine threshold, and the threshold that meets the target precision.
 * @example calibrate({ pairs, embedder, targetPrecision: 0.99 })
 */
export async function calibrate(input: { pairs: CachePair[]; embedder?: Embedder; targetPrecision?: number; guards?: GuardSetOptions }): Promise<CalibrationReport> {
  const targetPrecision = input.targetPrecision ?? 0.99;
  if (!(targetPrecision > 0 && targetPrecision <= 1)) throw new InputError('targetPrecision', `must be in (0, 1], got ${targetPrecision}`);
  if (input.pairs.length === 0) throw new InputError('pairs', 'is empty');
  const guardSet = createGuardSet(input.guards);
  const pairs = input.pairs.map((pair) => {
    const reasons = guardSet.check(pair.b, pair.a);
    return { a: pair.a, b: pair.b, same: pair.same, kind: pair.kind ?? (pair.same ? 'paraphrase' : undefined), rejected: reasons.length > 0, reasons } as CalibrationReport['guards']['pairs'][number];
  });
  const rejectedByKind: CalibrationReport['guards']['rejectedByKind'] = {};
  for (const pair of pairs) {
    const kind = pair.kind ?? 'unlabelled';
    const row = (rejectedByKind[kind] ??= { rejected: 0, total: 0, rate: 0 });
    row.total += 1;
    if (pair.rejected) row.rejected += 1;
    row.rate = row.rejected / row.total;
  }
  const changing = pairs.filter((p) => p.kind !== undefined && MEANING_CHANGING_KINDS.has(p.kind));
  const paraphrases = pairs.filter((p) => p.same);
  const guards = {
    rejectedByKind,
    meaningChangingRejected: changing.length ? changing.filter((p) => p.rejected).length / changing.length : null,
    paraphrasesRejected: paraphrases.length ? paraphrases.filter((p) => p.rejected).length / paraphrases.length : null,
    pairs,
  };
  if (!input.embedder) {
    return {
      thresholds: [],
      chosen: null,
      note: 'similarity thresholds need an embedding model, and none was given (install one with `groundwork models pull` or import one); the guard figures below do not depend on the embedder',
      embedder: null,
      targetPrecision,
      guards,
    };
  }
  const embedder = input.embedder;
  const unique = [...new Set(input.pairs.flatMap((p) => [p.a, p.b]))];
  const vectors = new Map<string, Float32Array>();
  for (const text of unique) vectors.set(text, await embedder.embedQuery(text));
  pairs.forEach((pair) => {
    pair.similarity = cosine(vectors.get(pair.a)!, vectors.get(pair.b)!);
  });
  const sameTotal = paraphrases.length;
  const thresholds = CALIBRATION_THRESHOLDS.map((threshold): ThresholdRow => {
    const near = pairs.filter((p) => p.similarity! >= threshold);
    const served = near.filter((p) => !p.rejected);
    const right = served.filter((p) => p.same).length;
    return {
      threshold,
      precision: served.length ? right / served.length : null,
      recall: sameTotal ? right / sameTotal : 0,
      hitRate: served.length / pairs.length,
      precisionWithoutGuards: near.length ? near.filter((p) => p.same).length / near.length : null,
      served: served.length,
    };
  });
  const meeting = thresholds.filter((row) => row.precision !== null && row.precision >= targetPrecision);
  return { thresholds, chosen: meeting[0]?.threshold ?? null, embedder: `${embedder.id}@${embedder.revision}`, targetPrecision, guards };
}

function cosine(x: Float32Array, y: Float32Array): number {
  let dot = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < x.length; i += 1) {
    dot += x[i] * y[i];
    nx += x[i] * x[i];
    ny += y[i] * y[i];
  }
  return nx === 0 || ny === 0 ? 0 : dot / Math.sqrt(nx * ny);
}
