import { createHash } from 'node:crypto';
import { fitLambdaMart, lambdaMartSplitCounts, scoreLambdaMart, type LambdaMartOptions, type RankingData } from '../../classic-ml/models/lambdamart.js';
import { fitPairwiseLinearRanker, scorePairwiseLinear } from '../../classic-ml/models/pairwise-linear-ranker.js';
import { bootstrapCI, type MeanWithCI } from '../../eval/bootstrap-ci.js';
import { chunksToDocumentRanking } from '../../eval/chunks-to-document-ranking.js';
import { countRelevant, irMetricsAtK } from '../../eval/ir-metrics.js';
import { pairedTest, type PairedTestResult } from '../../eval/paired-test.js';
import { InputError } from '../../errors.js';
import { RANKER_FEATURES } from './ranker-features.js';
import { featureColumns, RANKER_MODEL_VERSION, scoreRankerRows, type RankerModel } from './ranker-model.js';
import type { RankerQueryRows } from './ranker-rows.js';

/** Folds of the cross-validation by default (the 5). */
export const RANKER_FOLDS = 5;
/** Share of a training fold's groups held back for LambdaMART's early stopping (one in five). */
const VALIDATION_FOLDS = 5;
/** nDCG cutoff of the headline metric, and the recall depth reported beside it. */
export const RANKER_NDCG_AT = 10;
export const RANKER_RECALL_AT = 100;
/** Bootstrap resamples of the reported intervals and paired tests. */
const RESAMPLES = 5000;

/** Which learner: LambdaMART (default) or the linear pairwise baseline. */
export type RankerLearner = 'lambdamart' | 'linear';

/** Groups into `folds` folds, round-robin in SHA-256 order of their names: deterministic and seedless; a group never in two folds. */
export function groupFolds(groups: Iterable<string>, folds: number): Map<string, number> {
  const ordered = [...new Set(groups)].map((group) => ({ group, key: createHash('sha256').update(group).digest('hex') })).sort((a, b) => (a.key < b.key ? -1 : 1));
  return new Map(ordered.map(({ group }, index) => [group, index % folds]));
}

/** Stacks query rows for the learners (queries without a relevant candidate teach nothing and are left out). */
export function rankingData(queries: readonly RankerQueryRows[], columns?: readonly number[]): RankingData {
  const X: number[][] = [];
  const y: number[] = [];
  const ids: string[] = [];
  for (const query of queries) {
    if (!query.labels.some((label) => label > 0) || !query.labels.some((label) => label === 0)) continue;
    query.features.forEach((row, i) => {
      X.push(columns ? columns.map((c) => row[c]) : row);
      y.push(query.labels[i]);
      ids.push(query.id);
    });
  }
  return { X, y, queries: ids };
}

/** Document-level nDCG@10 and Recall@100 of one query, its chunks ordered by `scores` (MaxP, as `eval run`). */
export function queryMetrics(query: RankerQueryRows, scores: readonly number[]): { ndcg: number; recall: number } {
  const ranking = chunksToDocumentRanking(query.externalIds.map((externalId, i) => ({ externalId, score: scores[i] })));
  return { ndcg: irMetricsAtK(ranking, query.judged, RANKER_NDCG_AT).ndcg, recall: irMetricsAtK(ranking, query.judged, RANKER_RECALL_AT).recall };
}

/** Out-of-fold scores of each learner, per query, and what the folds chose. */
export interface CrossValidation {
  folds: number;
  /** Per evaluated query (queries with a judged relevant document), in input order. */
  queryIds: string[];
  firstStage: { ndcg: number[]; recall: number[] };
  lambdamart: { ndcg: number[]; recall: number[]; bestIterations: number[] };
  linear: { ndcg: number[]; recall: number[] };
}

/**
 * K-fold cross-validation by group: per fold, LambdaMART on the other folds' queries (early stopping
 * on a fifth of their groups) and the linear pairwise baseline on all of them, both scored on the
 * held-out fold's candidates; the first stage's own order is the BM25 (or fused) baseline.
 */
export function crossValidateRanker(
  queries: readonly RankerQueryRows[],
  options: { folds?: number; lambdaMart?: LambdaMartOptions; features?: readonly string[]; onFold?: (done: number, total: number) => void } = {},
): CrossValidation {
  const names = featureSubset(options.features);
  const columns = featureColumns(names);
  const project = (rows: number[][]) => rows.map((row) => columns.map((c) => row[c]));
  const evaluated = queries.filter((q) => countRelevant(q.judged) > 0);
  const groupCount = new Set(evaluated.map((q) => q.group)).size;
  const folds = Math.min(options.folds ?? RANKER_FOLDS, groupCount);
  if (folds < 2) throw new InputError('queries', `${groupCount} group(s) of judged queries; cross-validation needs at least 2`);
  const foldOf = groupFolds(evaluated.map((q) => q.group), folds);
  const out: CrossValidation = {
    folds,
    queryIds: evaluated.map((q) => q.id),
    firstStage: { ndcg: [], recall: [] },
    lambdamart: { ndcg: new Array(evaluated.length).fill(0), recall: new Array(evaluated.length).fill(0), bestIterations: [] },
    linear: { ndcg: new Array(evaluated.length).fill(0), recall: new Array(evaluated.length).fill(0) },
  };
  for (const query of evaluated) {
    const m = queryMetrics(query, query.firstStageScores);
    out.firstStage.ndcg.push(m.ndcg);
    out.firstStage.recall.push(m.recall);
  }
  for (let fold = 0; fold < folds; fold++) {
    const trainQueries = evaluated.filter((q) => foldOf.get(q.group) !== fold);
    const validationOf = groupFolds(trainQueries.map((q) => q.group), VALIDATION_FOLDS);
    const fit = trainQueries.filter((q) => validationOf.get(q.group) !== 0);
    const check = trainQueries.filter((q) => validationOf.get(q.group) === 0);
    const lambdaMart = fitLambdaMart(rankingData(fit, columns), { ...options.lambdaMart, featureNames: names }, rankingData(check, columns));
    out.lambdamart.bestIterations.push(lambdaMart.training.bestIteration);
    const linear = fitPairwiseLinearRanker(rankingData(trainQueries, columns));
    evaluated.forEach((query, i) => {
      if (foldOf.get(query.group) !== fold) return;
      const ranked = queryMetrics(query, query.features.length ? scoreLambdaMart(lambdaMart, project(query.features)) : []);
      const linearRanked = queryMetrics(query, query.features.length ? scorePairwiseLinear(linear, project(query.features)) : []);
      out.lambdamart.ndcg[i] = ranked.ndcg;
      out.lambdamart.recall[i] = ranked.recall;
      out.linear.ndcg[i] = linearRanked.ndcg;
      out.linear.recall[i] = linearRanked.recall;
    });
    options.onFold?.(fold + 1, folds);
  }
  return out;
}

/** The cross-validated figures a model card and an EXP record carry. */
export interface RankerEvaluation {
  ndcg: { firstStage: MeanWithCI; lambdamart: MeanWithCI; linear: MeanWithCI };
  recall: { firstStage: MeanWithCI; lambdamart: MeanWithCI; linear: MeanWithCI };
  /** Paired tests (B − A) of per-query nDCG@10. */
  paired: { lambdamartVsFirstStage: PairedTestResult; linearVsFirstStage: PairedTestResult; lambdamartVsLinear: PairedTestResult };
}

/** Intervals and paired tests over a cross-validation's per-query scores. */
export function summarizeCrossValidation(cv: CrossValidation): RankerEvaluation {
  const ci = (values: number[]) => bootstrapCI(values, { resamples: RESAMPLES });
  return {
    ndcg: { firstStage: ci(cv.firstStage.ndcg), lambdamart: ci(cv.lambdamart.ndcg), linear: ci(cv.linear.ndcg) },
    recall: { firstStage: ci(cv.firstStage.recall), lambdamart: ci(cv.lambdamart.recall), linear: ci(cv.linear.recall) },
    paired: {
      lambdamartVsFirstStage: pairedTest(cv.firstStage.ndcg, cv.lambdamart.ndcg, { resamples: RESAMPLES }),
      linearVsFirstStage: pairedTest(cv.firstStage.ndcg, cv.linear.ndcg, { resamples: RESAMPLES }),
      lambdamartVsLinear: pairedTest(cv.linear.ndcg, cv.lambdamart.ndcg, { resamples: RESAMPLES }),
    },
  };
}

/** Options of fitRanker. */
export interface FitRankerOptions {
  learner?: RankerLearner;
  depth: number;
  mode: string;
  folds: number;
  /** Feature names the model reads (default: all of RANKER_FEATURES). */
  features?: readonly string[];
  /** LambdaMART's rounds (the median best round of the cross-validation's folds, when there was one). */
  lambdaMart?: LambdaMartOptions;
  dataHashes?: Record<string, string>;
  sources?: string[];
  now?: Date;
}

/** Fits the final model on every query and packs it as a versioned artifact. */
export function fitRanker(queries: readonly RankerQueryRows[], options: FitRankerOptions): RankerModel {
  const names = featureSubset(options.features);
  const data = rankingData(queries, featureColumns(names));
  if (data.X.length === 0) throw new InputError('queries', 'no query has both a relevant and a non-relevant candidate: nothing to learn');
  const learner = options.learner ?? 'lambdamart';
  const model = learner === 'lambdamart' ? fitLambdaMart(data, { ...options.lambdaMart, featureNames: names }) : fitPairwiseLinearRanker(data, { featureNames: names });
  const trainedAt = (options.now ?? new Date()).toISOString();
  const digest = createHash('sha256').update(JSON.stringify(model)).digest('hex').slice(0, 8);
  return {
    kind: 'groundwork-ranker-model',
    version: RANKER_MODEL_VERSION,
    id: `ranker-${trainedAt.slice(0, 10).replace(/-/g, '')}-${digest}`,
    trainedAt,
    featureNames: names,
    depth: options.depth,
    model,
    training: {
      queries: new Set(data.queries).size,
      rows: data.X.length,
      folds: options.folds,
      mode: options.mode,
      dataHashes: options.dataHashes ?? {},
      sources: options.sources ?? [],
    },
    evaluation: {},
  };
}

/** The named features, checked against RANKER_FEATURES (all of them when none are named). */
export function featureSubset(features: readonly string[] | undefined): string[] {
  if (features === undefined) return [...RANKER_FEATURES];
  const known = new Set<string>(RANKER_FEATURES);
  const unknown = features.filter((name) => !known.has(name));
  if (unknown.length > 0 || features.length === 0) throw new InputError('features', unknown.length ? `unknown feature(s) ${unknown.join(', ')}` : 'names no feature');
  return [...features];
}

/** Median of integers (the rounds the final LambdaMART trains). */
export function medianRounds(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.max(1, sorted[Math.floor((sorted.length - 1) / 2)] ?? 1);
}

/**
 * Feature importances of a model on the training queries: permutation importance (the drop of
 * candidate-level mean nDCG@10 when one feature's column is shuffled across the rows, Breiman 2001)
 * on at most `maxQueries` queries, and LambdaMART's split counts.
 */
export function rankerImportances(model: RankerModel, queries: readonly RankerQueryRows[], maxQueries = 150, seed = 42): Array<{ feature: string; permutation: number; splits?: number }> {
  const sample = queries.filter((q) => q.labels.some((l) => l > 0)).slice(0, maxQueries);
  const offsets = [0];
  const rows: number[][] = [];
  const labels: number[] = [];
  for (const q of sample) {
    rows.push(...q.features);
    labels.push(...q.labels);
    offsets.push(rows.length);
  }
  const ndcgOf = (scores: number[]) => {
    let total = 0;
    for (let k = 0; k + 1 < offsets.length; k++) {
      const s = offsets[k];
      const e = offsets[k + 1];
      const order = Array.from({ length: e - s }, (_, i) => s + i).sort((a, b) => scores[b] - scores[a] || a - b);
      const ideal = [...labels.slice(s, e)].sort((a, b) => b - a);
      let dcg = 0;
      let idcg = 0;
      for (let r = 0; r < Math.min(RANKER_NDCG_AT, order.length); r++) {
        dcg += (2 ** labels[order[r]] - 1) / Math.log2(r + 2);
        idcg += (2 ** ideal[r] - 1) / Math.log2(r + 2);
      }
      total += idcg > 0 ? dcg / idcg : 0;
    }
    return total / Math.max(1, offsets.length - 1);
  };
  if (rows.length === 0) return [];
  const base = ndcgOf(scoreRankerRows(model, rows));
  const splits = model.model.type === 'lambdamart' ? lambdaMartSplitCounts(model.model) : undefined;
  let state = seed >>> 0;
  const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  return model.featureNames
    .map((feature, j) => {
      const column = (RANKER_FEATURES as readonly string[]).indexOf(feature);
      const shuffled = rows.map((row) => row[column]);
      for (let i = shuffled.length - 1; i > 0; i--) {
        const k = Math.floor(random() * (i + 1));
        [shuffled[i], shuffled[k]] = [shuffled[k], shuffled[i]];
      }
      const permuted = rows.map((row, i) => row.map((v, c) => (c === column ? shuffled[i] : v)));
      return { feature, permutation: base - ndcgOf(scoreRankerRows(model, permuted)), ...(splits ? { splits: splits[j] } : {}) };
    })
    .sort((a, b) => b.permutation - a.permutation);
}
