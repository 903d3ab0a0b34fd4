import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { createExperimentStore } from '../../eval/experiment-store.js';
import { costReport } from '../../router/cost-report.js';
import { trainRouterPredictor, type RouterTrainingRow } from '../../router/train-router-predictor.js';
import type { CommandContext } from '../context.js';
import { printJson, table, UsageError } from '../output.js';

/** Where `router train` writes the predictor when router.predictorPath is not set. */
export function defaultPredictorPath(dataDir: string): string {
  return resolve(join(dataDir, 'router-predictor.json'));
}

/**
 * Training rows from an experiment's per-query details: each row needs `routingFeatures`
 * (numbers) and `correct` (boolean), as `groundwork eval run --golden` records them.
 */
export function trainingRowsFromExperiment(perQuery: Array<{ queryId: string; details: Record<string, unknown> }>): RouterTrainingRow[] {
  const rows: RouterTrainingRow[] = [];
  for (const q of perQuery) {
    const features = q.details.routingFeatures as Record<string, number> | undefined;
    const correct = q.details.correct;
    if (!features || typeof correct !== 'boolean') continue;
    rows.push({ features, correct, ...(typeof q.details.model === 'string' ? { model: q.details.model } : {}) });
  }
  return rows;
}

/** `groundwork router train --experiment EXP-ID` and `groundwork costs [--since DATE]`. */
export function registerRouter(program: Command, context: CommandContext): void {
  const router = program.command('router').description('model routing');
  router
    .command('train')
    .description("train the router's success predictor (logistic regression) from an experiment's per-query results")
    .requiredOption('--experiment <id>', 'experiment id (EXP-YYYY-MM-DD-NNN) from `groundwork eval run --golden`')
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      const gw = await context.open();
      try {
        const record = await createExperimentStore(gw.db).get(flags.experiment);
        const rows = trainingRowsFromExperiment(record.perQuery);
        if (rows.length === 0) {
          throw new InputError('--experiment', `${flags.experiment} has no per-query routing features; run \`groundwork eval run --golden FILE\` to record them`);
        }
        const model = trainRouterPredictor(rows);
        const path = gw.config.router.predictorPath ? resolve(gw.config.router.predictorPath) : defaultPredictorPath(gw.config.dataDir);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, `${JSON.stringify(model, null, 2)}\n`);
        const out = { experiment: flags.experiment, rows: rows.length, path, model };
        if (flags.json) printJson(context.io, out);
        else context.io.stdout(`trained on ${rows.length} queries from ${flags.experiment}; saved to ${path}\n`);
      } finally {
        await gw.close();
      }
    });

  program
    .command('costs')
    .description('cost per query (p50/p95), per model and per day, from the cost ledger')
    .option('--since <date>', 'ISO date (default: 30 days ago)')
    .option('--tenant <tenant>', 'one tenant only')
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      let since: Date | undefined;
      if (flags.since) {
        since = new Date(flags.since);
        if (Number.isNaN(since.getTime())) throw new UsageError(`--since must be a date like 2026-11-01, got "${flags.since}"`);
      }
      const gw = await context.open();
      try {
        const report = await costReport(gw.db, { since, tenant: flags.tenant });
        if (flags.json) {
          printJson(context.io, report);
          return;
        }
        const r = report as unknown as { queries: Record<string, number>; perModel: Array<Record<string, unknown>>; perDay: Array<Record<string, unknown>> };
        context.io.stdout(table([r.queries]));
        context.io.stdout(`\nper model\n${table(r.perModel)}\nper day\n${table(r.perDay)}`);
      } finally {
        await gw.close();
      }
    });
}
