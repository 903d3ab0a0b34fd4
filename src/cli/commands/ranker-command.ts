import type { Command } from 'commander';
import { DEFAULT_RANKER_DEPTH } from '../../retrieve/ranker/ranker-model.js';
import { beirRankerSource, goldenRankerSource, type RankerSource } from '../../retrieve/ranker/ranker-sources.js';
import { runRankerTraining } from '../../retrieve/ranker/run-ranker-training.js';
import { storeTermOrders } from '../../retrieve/ranker/store-term-orders.js';
import { RANKER_FOLDS } from '../../retrieve/ranker/train-ranker.js';
import type { CommandContext } from '../context.js';
import { collect, intOption, modeOption, tenantOption } from '../options.js';
import { createProgress } from '../progress.js';
import { printJson, table, UsageError } from '../output.js';

const fixed = (m: { mean: number; lower: number; upper: number }) => `${m.mean.toFixed(4)} [${m.lower.toFixed(4)}, ${m.upper.toFixed(4)}]`;

/**
 * `groundwork ranker train (--dataset DIR [--split S] | --golden FILE [--tenant T])... [--folds 5]`:
 * collects the first stage's top `depth` chunks of every judged query with their features,
 * cross-validates LambdaMART and the linear pairwise baseline by query group against the first
 * stage, fits the final model on every query, and writes the model (JSON), its model card and an
 * EXP record.
 */
export function registerRanker(program: Command, context: CommandContext): void {
  const command = program.command('ranker').description('the learned ranker (retrieve.ranker): LambdaMART over lexical features of the top candidates');
  command
    .command('train')
    .description('train, cross-validate and save a ranker from BEIR qrels and/or golden sets')
    .option('--dataset <dir>', 'BEIR-layout dataset (repeatable); its corpus is ingested into eval-<dir name>', collect, [])
    .option('--split <name>', 'qrels split of every --dataset', 'train')
    .option('--golden <file>', 'golden-set JSON Lines (repeatable); its documents must be ingested in --tenant', collect, [])
    .option('--tenant <tenant>', 'tenant holding the --golden documents (repeatable: one per --golden, in order; default from config)', (value: string, previous: string[] = []) => [...previous, tenantOption(value)])
    .option('--folds <n>', 'cross-validation folds by query group', intOption('--folds', 2, 20), RANKER_FOLDS)
    .option('--depth <n>', 'first-stage candidates per query', intOption('--depth', 10, 1000), DEFAULT_RANKER_DEPTH)
    .option('--mode <mode>', 'first-stage retrieval mode (default from config)', modeOption)
    .option('--learner <name>', 'lambdamart (default) or linear (the pairwise baseline)', 'lambdamart')
    .option('--features <set>', 'all (default) or portable: only features independent of the corpus scale, shallow trees (transfer better, gain less)', 'all')
    .option('--out <path>', 'model file (default <dataDir>/ranker/<model id>.json)')
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      const datasets = flags.dataset as string[];
      const goldens = flags.golden as string[];
      const tenants = (flags.tenant as string[] | undefined) ?? [];
      if (datasets.length + goldens.length === 0) throw new UsageError('give at least one --dataset DIR or --golden FILE');
      if (tenants.length > 1 && tenants.length !== goldens.length) throw new UsageError(`--tenant given ${tenants.length} times for ${goldens.length} --golden files: give one, or one per file`);
      if (flags.learner !== 'lambdamart' && flags.learner !== 'linear') throw new UsageError(`--learner must be lambdamart or linear, got "${flags.learner}"`);
      if (flags.features !== 'all' && flags.features !== 'portable') throw new UsageError(`--features must be all or portable, got "${flags.features}"`);
      const io = context.io;
      const gw = await context.open();
      try {
        const sources: RankerSource[] = [];
        for (const dir of datasets) {
          const bar = createProgress(io, `ingest ${dir}`, !flags.json || io.isTty, 'documents');
          sources.push(await beirRankerSource(gw, dir, flags.split, (done, total) => bar.update({ done, total, detail: '' })));
          bar.stop();
        }
        for (const [index, golden] of goldens.entries()) sources.push(await goldenRankerSource(golden, tenants[index] ?? tenants[0] ?? gw.config.tenant));
        const run = await runRankerTraining(gw, sources, {
          folds: flags.folds,
          depth: flags.depth,
          mode: flags.mode,
          learner: flags.learner,
          features: flags.features,
          out: flags.out,
          progress: (label, unit) => {
            const bar = createProgress(io, label, true, unit);
            return { update: (done, total) => bar.update({ done, total, detail: '' }), stop: () => bar.stop() };
          },
        });
        const { model, cv, evaluation, importances, rows, path, cardPath, mode, experimentId } = run;
        const out = {
          id: model.id,
          path,
          card: cardPath,
          experiment: experimentId,
          learner: model.model.type,
          queries: { total: rows.length, evaluated: cv.queryIds.length, trained: model.training.queries },
          folds: cv.folds,
          ndcgAt10: evaluation.ndcg,
          recallAt100: evaluation.recall,
          paired: evaluation.paired,
          importances: importances.slice(0, 10),
          enable: `set retrieve.ranker to {"model": ${JSON.stringify(path)}, "depth": ${flags.depth}}`,
        };
        if (flags.json) {
          printJson(io, out);
          return;
        }
        io.stdout(`ranker ${model.id} (${model.model.type}) trained on ${model.training.queries} queries; ${cv.folds}-fold cross-validation by query group over ${cv.queryIds.length} judged queries\n`);
        io.stdout(table([
          { ranking: `first stage (${mode})`, 'nDCG@10': fixed(evaluation.ndcg.firstStage), 'Recall@100': fixed(evaluation.recall.firstStage) },
          { ranking: 'linear pairwise', 'nDCG@10': fixed(evaluation.ndcg.linear), 'Recall@100': fixed(evaluation.recall.linear) },
          { ranking: 'LambdaMART', 'nDCG@10': fixed(evaluation.ndcg.lambdamart), 'Recall@100': fixed(evaluation.recall.lambdamart) },
        ]));
        const p = evaluation.paired.lambdamartVsFirstStage;
        io.stdout(`LambdaMART - first stage: ${p.meanDifference.toFixed(4)} [${p.lower.toFixed(4)}, ${p.upper.toFixed(4)}], p = ${p.pValue.toFixed(4)}\n`);
        io.stdout(`saved to ${path} (card ${cardPath}, ${experimentId}); ${out.enable}\n`);
      } finally {
        await gw.close();
      }
    });
  command
    .command('store-terms')
    .description('give chunks ingested before term orders were stored (migration 0016) their term order, so the ranker reads their terms instead of analyzing their text')
    .option('--tenant <tenant>', 'only this tenant (default: every tenant)', tenantOption)
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      const io = context.io;
      const gw = await context.open();
      try {
        const bar = createProgress(io, 'store term orders', !flags.json || io.isTty, 'chunks');
        const result = await storeTermOrders(gw.db, gw.analyzer, { tenant: flags.tenant, onProgress: (done, total) => bar.update({ done, total, detail: '' }) });
        bar.stop();
        const out = { tenant: flags.tenant ?? null, ...result };
        if (flags.json) {
          printJson(io, out);
          return;
        }
        io.stdout(`stored the term order of ${result.stored} chunk${result.stored === 1 ? '' : 's'}${flags.tenant ? ` in tenant ${flags.tenant}` : ''}`);
        io.stdout(result.skipped > 0 ? `; ${result.skipped} skipped (their text's terms are not all among their indexed terms: ingest their documents again)\n` : '\n');
      } finally {
        await gw.close();
      }
    });
}
