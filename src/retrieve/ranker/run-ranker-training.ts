import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { resolveCodeVersion } from '../../eval/code-version.js';
import { createExperimentStore } from '../../eval/experiment-store.js';
import type { Groundwork } from '../../groundwork.js';
import { createPostingCache } from '../posting-cache.js';
import { createRetriever } from '../retriever.js';
import type { RetrievalMode } from '../types.js';
import { PORTABLE_RANKER_FEATURES, PORTABLE_TREES } from './ranker-features.js';
import { rankerExperimentInput, rankerModelCard } from './ranker-experiment.js';
import type { RankerModel } from './ranker-model.js';
import { collectRankerRows, type RankerQueryRows } from './ranker-rows.js';
import type { RankerSource } from './ranker-sources.js';
import { crossValidateRanker, fitRanker, medianRounds, rankerImportances, summarizeCrossValidation, type CrossValidation, type RankerEvaluation, type RankerLearner } from './train-ranker.js';

/** Progress of one stage of a training run (the CLI draws bars with it). */
export interface RankerTrainingProgress {
  update(done: number, total: number): void;
  stop(): void;
}

/** Options of one training run over judged sources. */
export interface RankerTrainingOptions {
  folds: number;
  depth: number;
  /** First-stage retrieval mode (default: the config's). */
  mode?: RetrievalMode;
  learner?: RankerLearner;
  /** `portable`: only the scale-free features, shallow trees. */
  features?: 'all' | 'portable';
  /** Model file (default `<dataDir>/ranker/<model id>.json`); the card is written beside it. */
  out?: string;
  /** Extra sections of the model card (Markdown), after the generated ones. */
  cardNotes?: string;
  /** Extra fields of the EXP record's config (what triggered the run, which judgments). */
  experimentConfig?: Record<string, unknown>;
  /** The EXP record's tenant (default: the first source's). */
  experimentTenant?: string;
  codeVersion?: string;
  now?: Date;
  /** A progress line per stage (`features <path>`, `cross-validation`). */
  progress?: (label: string, unit: string) => RankerTrainingProgress;
}

/** What a training run produced: the model file, its card, its EXP record, and the figures. */
export interface RankerTrainingRun {
  model: RankerModel;
  path: string;
  cardPath: string;
  experimentId: string;
  mode: RetrievalMode;
  rows: RankerQueryRows[];
  cv: CrossValidation;
  evaluation: RankerEvaluation;
  importances: Array<{ feature: string; permutation: number; splits?: number }>;
}

const silent: RankerTrainingProgress = { update: () => undefined, stop: () => undefined };

/**
 * One ranker training run, as `groundwork ranker train` and retraining from feedback do it:
 * collects the first stage's top `depth` chunks of every judged query with their features,
 * cross-validates LambdaMART and the linear pairwise baseline by query group against the first
 * stage, fits the final model on every query, and writes the model (JSON), its model card and an
 * EXP record.
 */
export async function runRankerTraining(gw: Groundwork, sources: readonly RankerSource[], options: RankerTrainingOptions): Promise<RankerTrainingRun> {
  const progress = options.progress ?? (() => silent);
  const features = options.features === 'portable' ? [...PORTABLE_RANKER_FEATURES] : undefined;
  const trees = options.features === 'portable' ? PORTABLE_TREES : {};
  // The first stage without any configured ranker: the model learns to re-order what it returns.
  const retrieveOptions = { ...gw.config.retrieve, ranker: undefined };
  const postingCache = retrieveOptions.postingCache.maxPostings > 0 ? createPostingCache(retrieveOptions.postingCache) : undefined;
  const retriever = createRetriever({ db: gw.db, analyzer: gw.analyzer, options: retrieveOptions, embedder: gw.embedder, postingCache });
  const rows: RankerQueryRows[] = [];
  for (const [index, source] of sources.entries()) {
    const bar = progress(`features ${source.path}`, 'queries');
    const collected = await collectRankerRows({ db: gw.db, analyzer: gw.analyzer, retriever, titleWeight: retrieveOptions.titleWeight }, source.queries, {
      tenant: source.tenant,
      depth: options.depth,
      mode: options.mode,
      onProgress: (done, total) => bar.update(done, total),
    });
    bar.stop();
    // Ids and groups of different sources never merge.
    rows.push(...collected.map((row) => ({ ...row, id: `${index}:${row.id}`, group: `${index}:${row.group}` })));
  }
  const foldBar = progress('cross-validation', 'folds');
  const cv = crossValidateRanker(rows, { folds: options.folds, features, lambdaMart: trees, onFold: (done, total) => foldBar.update(done, total) });
  foldBar.stop();
  const evaluation = summarizeCrossValidation(cv);
  const mode = options.mode ?? retrieveOptions.mode;
  const model = fitRanker(rows, {
    learner: options.learner,
    features,
    depth: options.depth,
    mode,
    folds: cv.folds,
    lambdaMart: { ...trees, nEstimators: medianRounds(cv.lambdamart.bestIterations) },
    dataHashes: Object.fromEntries(sources.map((s) => [s.path, s.hash])),
    sources: sources.map((s) => `${s.kind}:${s.path}`),
    now: options.now,
  });
  const importances = rankerImportances(model, rows);
  model.evaluation = { ndcgAt10: evaluation.ndcg as unknown as Record<string, unknown>, recallAt100: evaluation.recall as unknown as Record<string, unknown>, paired: evaluation.paired as unknown as Record<string, unknown> };
  const path = resolve(options.out ?? join(gw.config.dataDir, 'ranker', `${model.id}.json`));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(model)}\n`);
  const cardPath = path.replace(/(\.json)?$/, '.card.md');
  await writeFile(cardPath, `${rankerModelCard(model, evaluation, importances)}\n${options.cardNotes ? `\n${options.cardNotes}\n` : ''}`);
  const experiment = await createExperimentStore(gw.db).create(
    rankerExperimentInput(model, cv, evaluation, {
      tenant: options.experimentTenant ?? sources[0].tenant,
      path: sources.map((s) => s.path).join(','),
      kind: sources[0].kind,
      codeVersion: options.codeVersion ?? (await resolveCodeVersion()),
      importances,
      config: { mode, depth: options.depth, features: options.features ?? 'all', k1: retrieveOptions.k1, b: retrieveOptions.b, titleWeight: retrieveOptions.titleWeight, ...options.experimentConfig },
    }),
  );
  return { model, path, cardPath, experimentId: experiment.id, mode, rows, cv, evaluation, importances };
}
