import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseCachePairs } from '../../cache/cache-pairs.js';
import { calibrate } from '../../cache/calibrate.js';
import { clearCache } from '../../cache/clear-cache.js';
import { InputError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { numberOption, tenantOption } from '../options.js';
import { printJson, table } from '../output.js';

/** `groundwork cache calibrate --pairs FILE` and `groundwork cache clear [--tenant T]`. */
export function registerCache(program: Command, context: CommandContext): void {
  const cache = program.command('cache').description('the answer cache');
  cache
    .command('calibrate')
    .description('precision/recall/hit rate per similarity threshold on labelled question pairs, and what the guards reject')
    .requiredOption('--pairs <file>', 'JSONL {"a", "b", "same", "kind"?}')
    .option('--target-precision <p>', 'precision the chosen threshold must reach', numberOption('--target-precision', 0.5, 1), 0.99)
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      let text: string;
      try {
        text = readFileSync(flags.pairs, 'utf8');
      } catch (error) {
        throw new InputError('--pairs', `cannot read ${flags.pairs}: ${(error as Error).message}`);
      }
      const pairs = parseCachePairs(text, flags.pairs);
      const gw = await context.open();
      try {
        const report = await calibrate({ pairs, embedder: gw.embedder, targetPrecision: flags.targetPrecision, guards: gw.config.cache.guards as never });
        if (flags.json) {
          printJson(context.io, report);
          return;
        }
        const r = report as unknown as { thresholds: Array<Record<string, unknown>>; chosen: unknown; note?: string; guards: { rejectedByKind: Record<string, unknown> } };
        if (r.note) context.io.stderr(`note: ${r.note}\n`);
        if (r.thresholds.length) context.io.stdout(table(r.thresholds));
        context.io.stdout(`chosen threshold: ${JSON.stringify(r.chosen)}\nguards, rejected by kind:\n${table(Object.entries(r.guards.rejectedByKind).map(([kind, v]) => ({ kind, ...(typeof v === 'object' ? (v as object) : { value: v }) })))}`);
      } finally {
        await gw.close();
      }
    });
  cache
    .command('clear')
    .description('delete cached answers (all tenants, or one)')
    .option('--tenant <tenant>', 'one tenant only', tenantOption)
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      const gw = await context.open();
      try {
        const removed = await clearCache(gw.db, { tenant: flags.tenant });
        if (flags.json) printJson(context.io, { removed, tenant: flags.tenant ?? null });
        else context.io.stdout(`removed ${JSON.stringify(removed)} cached answers${flags.tenant ? ` of tenant ${flags.tenant}` : ''}\n`);
      } finally {
        await gw.close();
      }
    });
}
