import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { answerabilityExperimentInput, answerabilityModelCard } from '../../eval/answerability-experiment.js';
import { answerabilityGroup, answerabilityRows } from '../../eval/answerability-rows.js';
import { resolveCodeVersion } from '../../eval/code-version.js';
import { createExperimentStore } from '../../eval/experiment-store.js';
import { loadGoldenSet } from '../../eval/golden-set.js';
import { groupedHoldout } from '../../eval/grouped-holdout.js';
import { confidenceBaseline, evaluateAnswerability, trainAnswerability, type AnswerabilityRow } from '../../generate/train-answerability.js';
import type { CommandContext } from '../context.js';
import { collect, modeOption, numberOption, tenantOption } from '../options.js';
import { printJson, table, UsageError } from '../output.js';

/** Where `answerability train` writes the model when generate.answerability.model is not a path. */
export function defaultAnswerabilityModelPath(dataDir: string): string {
  return resolve(join(dataDir, 'answerability-model.json'));
}

const percent = (value: number) => `${(100 * value).toFixed(1)}%`;
const interval = (m: { mean: number; lower: number; upper: number }) => `${percent(m.mean)} [${percent(m.lower)}, ${percent(m.upper)}]`;

/**
 * `groundwork answerability train --golden FILE... [--tenant T...]`: runs the golden questions
 * against documents already ingested in the tenant(s) (`groundwork ingest DIR --tenant T` first),
 * trains the answer-or-refuse model on the non-held-out groups, reports held-out refusal, false
 * refusal and a reliability table beside the confidence-threshold baseline, and writes the model,
 * its model card and an EXP record.
 */
export function registerAnswerability(program: Command, context: CommandContext): void {
  const command = program.command('answerability').description('the learned answer-or-refuse decision (generate.answerability)');
  command
    .command('train')
    .description('train, calibrate and save the answer-or-refuse model from golden sets over ingested documents')
    .requiredOption('--golden <file>', 'golden-set JSON Lines (repeatable); `answerable: false` items are the refusals to learn', collect, [])
    .option('--tenant <tenant>', 'tenant the golden set was ingested into (repeatable: one per --golden, in order; default from config)', (value: string, previous: string[] = []) => [...previous, tenantOption(value)])
    .option('--mode <mode>', 'retrieval mode (default from config)', modeOption)
    .option('--holdout-share <share>', 'share of groups (metadata.article, else first relevant document) held out for the report', numberOption('--holdout-share', 0.05, 0.9), 1 / 3)
    .option('--max-false-refusal <rate>', 'false-refusal budget of the operating point (default generate.refusal.maxFalseRefusal)', numberOption('--max-false-refusal', 0, 0.5))
    .option('--out <path>', 'model file (default: generate.answerability.model when a path, else <dataDir>/answerability-model.json)')
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      const goldens = flags.golden as string[];
      const tenants = (flags.tenant as string[] | undefined) ?? [];
      if (tenants.length > 1 && tenants.length !== goldens.length) throw new UsageError(`--tenant given ${tenants.length} times for ${goldens.length} --golden files: give one, or one per file`);
      const gw = await context.open();
      try {
        const rows: AnswerabilityRow[] = [];
        for (const [index, golden] of goldens.entries()) {
          const set = await loadGoldenSet(golden);
          const tenant = tenants[index] ?? tenants[0] ?? gw.config.tenant;
          // Groups of different files never merge: the same article name in two sets is two groups.
          rows.push(...(await answerabilityRows(gw, set.items, { tenant, mode: flags.mode, groupOf: (item) => `${index}:${answerabilityGroup(item)}` })));
        }
        const unanswerableGroups = new Set(rows.filter((row) => !row.answerable).map((row) => row.group));
        const split = groupedHoldout(rows.map((row) => row.group), { share: flags.holdoutShare, strataOf: (group) => (unanswerableGroups.has(group) ? 'has-unanswerable' : 'answerable-only') });
        const heldOutGroups = new Set(split.heldOut);
        const training = rows.filter((row) => !heldOutGroups.has(row.group));
        const heldOut = rows.filter((row) => heldOutGroups.has(row.group));
        const maxFalseRefusal = (flags.maxFalseRefusal as number | undefined) ?? gw.config.generate.refusal.maxFalseRefusal;
        const dataHashes: Record<string, string> = {};
        for (const golden of goldens) dataHashes[golden] = (await loadGoldenSet(golden)).hash;
        const { model } = trainAnswerability(training, { maxFalseRefusal, dataHashes, sources: goldens });
        const evaluation = heldOut.length > 0 ? { heldOut: evaluateAnswerability(model, heldOut), baseline: confidenceBaseline(training, heldOut, maxFalseRefusal) } : {};
        if (evaluation.heldOut) model.evaluation.heldOut = evaluation.heldOut;
        const setting = gw.config.generate.answerability.model;
        const path = resolve(flags.out ?? (setting === 'off' || setting === 'default' ? defaultAnswerabilityModelPath(gw.config.dataDir) : setting));
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, `${JSON.stringify(model, null, 1)}\n`);
        const cardPath = path.replace(/(\.json)?$/, '.card.md');
        await writeFile(cardPath, `${answerabilityModelCard(model, { name: 'answerability', source: goldens.join(', ') })}\n`);
        const experiment = await createExperimentStore(gw.db).create(
          answerabilityExperimentInput(model, { tenant: tenants[0] ?? gw.config.tenant, path: goldens.join(','), codeVersion: await resolveCodeVersion(), evaluation, config: { mode: flags.mode ?? gw.config.retrieve.mode, holdoutShare: flags.holdoutShare } }),
        );
        const out = {
          path,
          card: cardPath,
          experiment: experiment.id,
          rows: { training: training.length, heldOut: heldOut.length },
          operatingPoint: model.operatingPoint,
          crossValidated: model.evaluation.crossValidated,
          ...evaluation,
          enable: `set generate.answerability.model to ${JSON.stringify(path)}`,
        };
        if (flags.json) {
          printJson(context.io, out);
          return;
        }
        const io = context.io;
        io.stdout(`trained on ${training.length} questions (${heldOut.length} held out); operating point ${model.operatingPoint.threshold.toFixed(3)} for false refusal <= ${maxFalseRefusal}\n`);
        if (evaluation.heldOut && evaluation.baseline) {
          io.stdout(`held out: refusal ${interval(evaluation.heldOut.refusal)}, false refusal ${interval(evaluation.heldOut.falseRefusal)}\n`);
          io.stdout(`confidence threshold at the same budget: refusal ${interval(evaluation.baseline.refusal)}, false refusal ${interval(evaluation.baseline.falseRefusal)}\n`);
          io.stdout(`reliability (held out)\n${table(evaluation.heldOut.reliability)}`);
        }
        io.stdout(`saved to ${path} (card ${cardPath}, ${experiment.id}); ${out.enable}\n`);
      } finally {
        await gw.close();
      }
    });
}
