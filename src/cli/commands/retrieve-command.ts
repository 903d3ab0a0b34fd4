import type { Command } from 'commander';
import { parseFilterExpression } from '../../retrieve/filters.js';
import type { CommandContext } from '../context.js';
import { emptyTenantNotice } from '../empty-tenant.js';
import { printJson, table } from '../output.js';
import { collect, intOption, modeOption, tenantOption } from '../options.js';

/** `groundwork retrieve "<query>"`: ranked chunks with per-leg scores (`--explain`). */
export function registerRetrieve(program: Command, context: CommandContext): void {
  program
    .command('retrieve')
    .description('rank chunks for a query')
    .argument('<query>', 'the query')
    .option('--tenant <tenant>', 'tenant (default from config)', tenantOption)
    .option('--mode <mode>', 'sparse, dense or hybrid', modeOption)
    .option('--k <n>', 'results to return', intOption('--k', 1, 1000))
    .option('--filter <expr>', 'field=value, field>=n, source^=prefix, heading~=text, tags:any=a,b (repeatable)', collect)
    .option('--explain', 'show per-leg ranks and scores')
    .option('--json', 'print one JSON document')
    .action(async (query: string, flags) => {
      const filters = (flags.filter ?? []).map(parseFilterExpression);
      const gw = await context.open();
      try {
        const result = await gw.retrieve({ query, tenant: flags.tenant, mode: flags.mode, k: flags.k, filters });
        const empty = result.chunks.length === 0 ? await emptyTenantNotice(gw.db, flags.tenant ?? gw.config.tenant) : undefined;
        if (empty) result.notices.push(empty);
        if (flags.json) {
          printJson(context.io, flags.explain ? result : { ...result, chunks: result.chunks.map(({ scores, ...rest }) => ({ ...rest, scores: { final: rest.score } })) });
          return;
        }
        for (const notice of result.notices) context.io.stderr(`note: ${notice}\n`);
        context.io.stdout(`mode ${result.mode}, confidence ${result.confidence.toFixed(3)}\n`);
        const rows = result.chunks.map((c, i) => ({
          rank: i + 1,
          score: c.score,
          ...(flags.explain ? { sparse: c.scores.sparse, sparseRank: c.scores.sparseRank, dense: c.scores.dense, denseRank: c.scores.denseRank, rerank: c.scores.rerank } : {}),
          source: `${c.title || c.source}${c.page ? ` p.${c.page}` : ''}`,
          text: c.text.replace(/\s+/g, ' ').slice(0, 80),
        }));
        context.io.stdout(table(rows));
      } finally {
        await gw.close();
      }
    });
}
