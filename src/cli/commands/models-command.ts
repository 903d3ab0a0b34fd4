import type { Command } from 'commander';
import { modelsDirFromConfig } from '../../db/open-db.js';
import { importModel } from '../../models/import-model.js';
import { listModels } from '../../models/list-models.js';
import { pullModel } from '../../models/pull-model.js';
import type { CommandContext } from '../context.js';
import { printJson, table, UsageError } from '../output.js';

/** `groundwork models list | pull <id> | import <dir>`: local model files, offline-first. */
export function registerModels(program: Command, context: CommandContext): void {
  program
    .command('models')
    .description('local models: `models list`, `models pull <id>` (needs network), `models import <dir>` (air-gapped)')
    .argument('<action>', 'list, pull or import')
    .argument('[target]', 'model id for pull, folder for import')
    .option('--id <id>', 'id to install an imported model under')
    .option('--overwrite', 'replace an installed model')
    .option('--json', 'print one JSON document')
    .action(async (action: string, target: string | undefined, flags) => {
      const { io } = context;
      const modelsDir = modelsDirFromConfig(context.config());
      if (action === 'list') {
        const models = await listModels(modelsDir);
        if (flags.json) printJson(io, { modelsDir, models });
        else {
          io.stdout(`models in ${modelsDir}\n`);
          io.stdout(table(models.map((m) => ({ id: m.id, kind: m.kind, dimensions: m.dimensions, revision: m.revision?.slice(0, 12), dtypes: m.dtypes.join(',') }))));
        }
        return;
      }
      if (action !== 'pull' && action !== 'import') throw new UsageError(`models: unknown action "${action}"; use list, pull <id> or import <dir>`);
      if (!target) throw new UsageError(`models ${action} needs ${action === 'pull' ? 'a model id' : 'a folder'}`);
      const installed =
        action === 'pull'
          ? await pullModel(target, modelsDir, { overwrite: flags.overwrite })
          : await importModel(target, modelsDir, { id: flags.id, overwrite: flags.overwrite });
      if (flags.json) printJson(io, installed);
      else io.stdout(`installed ${JSON.stringify(installed, null, 2)}\n`);
    });
}
