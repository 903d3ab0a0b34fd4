import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { printJson } from '../output.js';
import { intOption, modeOption, tenantOption } from '../options.js';
import { askResultJson } from '../../ask-json.js';
import { emptyTenantNotice } from '../empty-tenant.js';
import type { AskResult } from '../../groundwork.js';

/** `groundwork ask "<question>"`: a cited answer from the documents, or an honest refusal. */
export function registerAsk(program: Command, context: CommandContext): void {
  program
    .command('ask')
    .description('answer a question from the documents, with citations')
    .argument('<question>', 'the question')
    .option('--tenant <tenant>', 'tenant (default from config)', tenantOption)
    .option('--mode <mode>', 'sparse, dense or hybrid', modeOption)
    .option('--top-k <n>', 'chunks retrieved for the answer', intOption('--top-k', 1, 100))
    .option('--json', 'print one JSON document')
    .action(async (question: string, flags) => {
      const gw = await context.open();
      try {
        const result = await gw.ask({ question, tenant: flags.tenant, mode: flags.mode, topK: flags.topK });
        const empty = result.refused ? await emptyTenantNotice(gw.db, flags.tenant ?? gw.config.tenant) : undefined;
        if (empty) result.retrieval.notices.push(empty);
        if (flags.json) printJson(context.io, askJson(result));
        else printAnswer(context, result);
      } finally {
        await gw.close();
      }
    });
}

/** The `--json` shape of an answer: {answer, citations, refused, usage, latencyMs, ...}. */
export const askJson = askResultJson;

/** Human view of an answer with its numbered citations. */
export function printAnswer(context: CommandContext, result: AskResult): void {
  for (const notice of result.retrieval.notices) context.io.stderr(`note: ${notice}\n`);
  context.io.stdout(`${result.answer}\n`);
  if (result.citations.length > 0) {
    context.io.stdout('\nSources:\n');
    result.citations.forEach((c, i) => {
      context.io.stdout(`  [${i + 1}] ${c.title || c.source}${c.page ? `, page ${c.page}` : ''}: "${c.quote}"\n`);
    });
  }
  context.io.stderr(`(${result.refused ? 'refused, ' : ''}${result.model}, confidence ${result.retrieval.confidence.toFixed(2)}, ${result.latencyMs} ms)\n`);
}
