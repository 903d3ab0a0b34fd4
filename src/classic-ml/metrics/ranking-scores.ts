import { requireBinaryLabels, requireBothClasses, requireFiniteNumbers, requireSameLength } from '../core/validate.js';

function checkBinary(yTrue: readonly (0 | 1)[], yScore: readonly number[]): number {
  requireBinaryLabels(yTrue, 'yTrue');
  requireFiniteNumbers(yScore, 'yScore');
  requireSameLength(yTrue, 'yTrue', yScore, 'yScore');
  return requireBothClasses(yTrue, 'yTrue');
}

/**
 * Area under the ROC curve as the Mann-Whitney statistic with mid-ranks, so tied scores count
 * one half (identical to scikit-learn's roc_auc_score). Throws when yTrue has one class.
 */
export function rocAuc(yTrue: readonly (0 | 1)[], yScore: readonly number[]): number {
  const positives = checkBinary(yTrue, yScore);
  const negatives = yTrue.length - positives;
  const order = Array.from(yScore.keys()).sort((a, b) => yScore[a] - yScore[b]);
  let positiveRankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && yScore[order[end + 1]] === yScore[order[start]]) end++;
    const midRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) if (yTrue[order[k]] === 1) positiveRankSum += midRank;
    start = end + 1;
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Average precision, scikit-learn's definition of PR-AUC: Σ (R_k − R_{k−1}) P_k over the distinct
 * score thresholds in decreasing order (tied scores enter together; no interpolation).
 */
export function averagePrecision(yTrue: readonly (0 | 1)[], yScore: readonly number[]): number {
  const positives = checkBinary(yTrue, yScore);
  const order = Array.from(yScore.keys()).sort((a, b) => yScore[b] - yScore[a]);
  let tp = 0;
  let fp = 0;
  let previousRecall = 0;
  let sum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && yScore[order[end + 1]] === yScore[order[start]]) end++;
    for (let k = start; k <= end; k++) yTrue[order[k]] === 1 ? tp++ : fp++;
    const recall = tp / positives;
    sum += (recall - previousRecall) * (tp / (tp + fp));
    previousRecall = recall;
    start = end + 1;
  }
  return sum;
}

/** Fraction of relevant items among the k highest scores (ties keep input order). */
export function precisionAtK(yTrue: readonly (0 | 1)[], yScore: readonly number[], k: number): number {
  requireBinaryLabels(yTrue, 'yTrue');
  requireFiniteNumbers(yScore, 'yScore');
  requireSameLength(yTrue, 'yTrue', yScore, 'yScore');
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`precisionAtK: k must be a positive integer, got ${k}`);
  const order = Array.from(yScore.keys()).sort((a, b) => yScore[b] - yScore[a] || a - b);
  const top = order.slice(0, k);
  return top.reduce((sum, i) => sum + yTrue[i], 0) / k;
}

function tieAveragedDcg(gains: readonly number[], scores: readonly number[], k: number): number {
  // scikit-learn's _tie_averaged_dcg: tied scores share the mean discount of the ranks they span.
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  let dcg = 0;
  for (let start = 0; start < order.length && start < k; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]] === scores[order[start]]) end++;
    let gainSum = 0;
    for (let r = start; r <= end; r++) gainSum += gains[order[r]];
    let discountSum = 0;
    for (let r = start; r <= Math.min(end, k - 1); r++) discountSum += 1 / Math.log2(r + 2);
    dcg += (gainSum / (end - start + 1)) * discountSum;
    start = end + 1;
  }
  return dcg;
}

/**
 * NDCG@k with linear gains and log2 discounts, tie-averaged like scikit-learn's ndcg_score for one
 * query. Returns 0 when no item is relevant (scikit-learn's convention).
 */
export function ndcgAtK(relevance: readonly number[], yScore: readonly number[], k: number): number {
  requireFiniteNumbers(relevance, 'relevance');
  requireFiniteNumbers(yScore, 'yScore');
  requireSameLength(relevance, 'relevance', yScore, 'yScore');
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`ndcgAtK: k must be a positive integer, got ${k}`);
  const ideal = tieAveragedDcg(relevance, relevance, k);
  return ideal === 0 ? 0 : tieAveragedDcg(relevance, yScore, k) / ideal;
}
