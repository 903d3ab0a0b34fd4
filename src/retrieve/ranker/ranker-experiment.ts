import type { MeanWithCI } from '../../eval/bootstrap-ci.js';
import type { ExperimentInput } from '../../eval/experiment-record.js';
import type { CrossValidation, RankerEvaluation } from './train-ranker.js';
import type { RankerModel } from './ranker-model.js';

const fixed = (m: MeanWithCI) => `${m.mean.toFixed(4)} [${m.lower.toFixed(4)}, ${m.upper.toFixed(4)}]`;

/** The methodology's model card (Phase 9) for a learned ranker, as Markdown. */
export function rankerModelCard(model: RankerModel, evaluation: RankerEvaluation, importances: ReadonlyArray<{ feature: string; permutation: number; splits?: number }>): string {
  const p = evaluation.paired;
  const lines = [
    `# Model card: ${model.id}`,
    '',
    `- Kind: ${model.model.type === 'lambdamart' ? `LambdaMART (${model.model.trees.length} trees, depth ${model.model.options.maxDepth}, learning rate ${model.model.options.learningRate})` : 'linear pairwise (logistic loss on feature differences)'}`,
    `- Trained: ${model.trainedAt} on ${model.training.queries} queries, ${model.training.rows} (query, chunk) rows, first stage \`${model.training.mode}\`, top ${model.depth} chunks per query`,
    `- Sources: ${model.training.sources.join('; ') || 'not recorded'}`,
    '',
    '## Intended use',
    '',
    'Re-orders the retriever\'s top candidates after fusion and before any cross-encoder rerank (`retrieve.ranker`). It learns from judged queries of one corpus; on another corpus measure it first (`groundwork eval run` with and without it) and retrain with `groundwork ranker train` when it does not help.',
    '',
    `## Cross-validated evaluation (${model.training.folds} folds by query group; document nDCG@10, MaxP over chunks; 95% bootstrap intervals)`,
    '',
    '| ranking | nDCG@10 | Recall@100 |',
    '| --- | --- | --- |',
    `| first stage (${model.training.mode}) | ${fixed(evaluation.ndcg.firstStage)} | ${fixed(evaluation.recall.firstStage)} |`,
    `| linear pairwise | ${fixed(evaluation.ndcg.linear)} | ${fixed(evaluation.recall.linear)} |`,
    `| LambdaMART | ${fixed(evaluation.ndcg.lambdamart)} | ${fixed(evaluation.recall.lambdamart)} |`,
    '',
    `Paired randomization tests of nDCG@10: LambdaMART − first stage ${p.lambdamartVsFirstStage.meanDifference.toFixed(4)} [${p.lambdamartVsFirstStage.lower.toFixed(4)}, ${p.lambdamartVsFirstStage.upper.toFixed(4)}], p = ${p.lambdamartVsFirstStage.pValue.toFixed(4)}; linear − first stage ${p.linearVsFirstStage.meanDifference.toFixed(4)}, p = ${p.linearVsFirstStage.pValue.toFixed(4)}; LambdaMART − linear ${p.lambdamartVsLinear.meanDifference.toFixed(4)}, p = ${p.lambdamartVsLinear.pValue.toFixed(4)}.`,
    '',
    '## Feature importances (permutation: drop of candidate nDCG@10 on training queries; split counts)',
    '',
    '| feature | permutation | splits |',
    '| --- | --- | --- |',
    ...importances.map((row) => `| ${row.feature} | ${row.permutation.toFixed(4)} | ${row.splits ?? '-'} |`),
    '',
    '## Limitations',
    '',
    '- Features are lexical and structural (BM25 variants, coverage, proximity, RM3, lengths, positions); the dense cosine only counts when the first stage ran a dense leg, and the cross-encoder\'s score is not a feature (it runs after the ranker).',
    '- Field BM25 (body, title) uses the collection idf and, for the title field, the candidates\' mean title length as its average length.',
    '- A model trained on one domain can hurt another: the cross-domain figures of bench/ranker.ts say how much.',
  ];
  return lines.join('\n');
}

/** The EXP record of a training run: cross-validated figures, paired tests against the first stage and the baseline, per-query scores. */
export function rankerExperimentInput(
  model: RankerModel,
  cv: CrossValidation,
  evaluation: RankerEvaluation,
  options: { tenant: string; path: string; kind: 'beir' | 'golden'; codeVersion: string; importances: ReadonlyArray<{ feature: string; permutation: number }>; config: Record<string, unknown> },
): ExperimentInput {
  return {
    tenant: options.tenant,
    hypothesis: 'a LambdaMART ranker over lexical, proximity, RM3 and structural features of the top 100 candidates raises nDCG@10 over the first stage (BM25) by at least 0.02, and beats the linear pairwise baseline',
    dataset: { kind: options.kind, path: options.path, hash: Object.values(model.training.dataHashes).join('+') || 'unknown' },
    config: { ...options.config, rankerId: model.id, learner: model.model.type, depth: model.depth, folds: cv.folds, featureNames: model.featureNames, bestIterations: cv.lambdamart.bestIterations, importances: options.importances.slice(0, 15) },
    codeVersion: options.codeVersion,
    metrics: {
      'ndcg@10': evaluation.ndcg.lambdamart,
      'ndcg@10_first_stage': evaluation.ndcg.firstStage,
      'ndcg@10_linear': evaluation.ndcg.linear,
      'recall@100': evaluation.recall.lambdamart,
      'recall@100_first_stage': evaluation.recall.firstStage,
    },
    counts: { queries: cv.queryIds.length, rows: model.training.rows, folds: cv.folds },
    comparison: { 'ndcg@10_vs_first_stage': evaluation.paired.lambdamartVsFirstStage, 'ndcg@10_vs_linear': evaluation.paired.lambdamartVsLinear },
    verdict: 'iterate',
    perQuery: cv.queryIds.map((queryId, i) => ({
      queryId,
      metrics: { 'ndcg@10': cv.lambdamart.ndcg[i], 'ndcg@10_first_stage': cv.firstStage.ndcg[i], 'ndcg@10_linear': cv.linear.ndcg[i], 'recall@100': cv.lambdamart.recall[i] },
      details: {},
    })),
  };
}
