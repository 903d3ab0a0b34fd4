import { InputError } from '../../errors.js';
import { DEFAULT_THRESHOLD, safeRatio } from '../metrics/confusion-matrix.js';
import { requireBinaryLabels, requireFiniteNumbers, requireSameLength } from '../core/validate.js';

/** The methodology's (and the US EEOC's) 80% rule: selection-rate ratio must exceed 0.8 ("Disparate impact ratio >0.8"). */
export const DISPARATE_IMPACT_THRESHOLD = 0.8;

/** Rates of one protected group. */
export interface GroupRates {
  group: string;
  count: number;
  positives: number;
  selectionRate: number;
  truePositiveRate: number | null;
  falsePositiveRate: number | null;
  precision: number | null;
  /** Mean predicted probability (only when scores are probabilities). */
  meanScore: number | null;
  /** |observed positive rate − mean predicted probability|: per-group calibration gap. */
  calibrationGap: number | null;
}

/** Fairness across protected groups. */
export interface FairnessReport {
  groups: GroupRates[];
  equalOpportunityDifference: number | null;
  disparateImpactRatio: number | null;
  passesFourFifthsRule: boolean | null;
  privilegedGroup: string;
}

/**
 * Per-group selection, true- and false-positive rates, equal-opportunity difference (max − min TPR
 * over groups that have positives), disparate-impact ratio (min / max selection rate) against the
 * 80% rule, and per-group calibration when scores are probabilities.
 */
export function fairnessReport(yTrue: (0 | 1)[], yScore: number[], groups: (string | number)[], threshold = DEFAULT_THRESHOLD): FairnessReport {
  requireBinaryLabels(yTrue, 'yTrue');
  requireFiniteNumbers(yScore, 'yScore');
  requireSameLength(yTrue, 'yTrue', yScore, 'yScore');
  requireSameLength(yTrue, 'yTrue', groups, 'groups');
  const names = [...new Set(groups.map(String))].sort();
  if (names.length < 2) throw new InputError('groups', `has a single group (${names[0]}); fairness compares at least 2`);
  const probabilities = yScore.every((s) => s >= 0 && s <= 1);
  const rates = names.map((group): GroupRates => {
    let count = 0, positives = 0, selected = 0, tp = 0, fp = 0, scoreSum = 0;
    for (let i = 0; i < yTrue.length; i++) {
      if (String(groups[i]) !== group) continue;
      count++;
      positives += yTrue[i];
      scoreSum += yScore[i];
      if (yScore[i] >= threshold) {
        selected++;
        yTrue[i] === 1 ? tp++ : fp++;
      }
    }
    const negatives = count - positives;
    return {
      group,
      count,
      positives,
      selectionRate: selected / count,
      truePositiveRate: positives === 0 ? null : tp / positives,
      falsePositiveRate: negatives === 0 ? null : fp / negatives,
      precision: selected === 0 ? null : safeRatio(tp, selected),
      meanScore: probabilities ? scoreSum / count : null,
      calibrationGap: probabilities ? Math.abs(positives / count - scoreSum / count) : null,
    };
  });
  const tprs = rates.map((g) => g.truePositiveRate).filter((v): v is number => v !== null);
  const selection = rates.map((g) => g.selectionRate);
  const maxSelection = Math.max(...selection);
  const disparateImpactRatio = maxSelection === 0 ? null : Math.min(...selection) / maxSelection;
  return {
    groups: rates,
    equalOpportunityDifference: tprs.length >= 2 ? Math.max(...tprs) - Math.min(...tprs) : null,
    disparateImpactRatio,
    passesFourFifthsRule: disparateImpactRatio === null ? null : disparateImpactRatio > DISPARATE_IMPACT_THRESHOLD,
    privilegedGroup: rates[selection.indexOf(maxSelection)].group,
  };
}
