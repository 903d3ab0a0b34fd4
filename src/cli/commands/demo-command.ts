import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { printJson } from '../output.js';
import { askJson, printAnswer } from './ask-command.js';

/** The sample corpus shipped with the package. */
export const SAMPLES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'samples');
export const DEMO_TENANT = 'demo';

/**
 * `groundwork demo`: the main job on the embedded default, offline: ingest the sample corpus into
 * PGlite under the data dir and answer a sample question with a cited passage.
 */
export function registerDemo(program: Command, context: CommandContext): void {
  program
    .command('demo')
    .description('ingest the bundled sample corpus and answer a sample question (offline, embedded database)')
    .argument('[question]', 'question to ask (default: the first of samples/questions.txt)')
    .option('--json', 'print one JSON document')
    .action(async (question: string | undefined, flags) => {
      const { io } = context;
      const asked = question ?? readFileSync(join(SAMPLES_DIR, 'questions.txt'), 'utf8').split('\n').find((l) => l.trim())!.trim();
      const gw = await context.open({ tenant: DEMO_TENANT });
      try {
        for (const notice of gw.notices) io.stderr(`note: ${notice}\n`);
        const summary = await gw.ingest([join(SAMPLES_DIR, 'corpus')], { prune: true });
        io.stderr(
          `ingested ${join(SAMPLES_DIR, 'corpus')} into ${gw.db.location} (tenant ${DEMO_TENANT}): ` +
            `${summary.documents.added} added, ${summary.documents.updated} updated, ${summary.documents.unchanged} unchanged, ${summary.chunks} chunks written\n`,
        );
        const result = await gw.ask({ question: asked });
        if (flags.json) {
          printJson(io, { question: asked, ingest: summary, ...askJson(result) });
          return;
        }
        io.stdout(`Q: ${asked}\n\n`);
        printAnswer(context, result);
      } finally {
        await gw.close();
      }
    });
}
