import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { CHUNKER_NAMES, type ChunkerName } from '../../ingest/chunkers/index.js';
import { limitHeapGrowth } from '../../ingest/heap-growth.js';
import type { CommandContext } from '../context.js';
import { printJson, table, UsageError } from '../output.js';
import { collect, intOption, tenantOption } from '../options.js';
import { createProgress, formatCount } from '../progress.js';

/** `groundwork ingest <path...>`: load, chunk, embed and store documents; re-runs touch only what changed. */
export function registerIngest(program: Command, context: CommandContext): void {
  program
    .command('ingest')
    .description('ingest files and folders into a tenant (incremental: unchanged documents are skipped)')
    .argument('<path...>', 'files or folders')
    .option('--tenant <tenant>', 'tenant (default from config)', tenantOption)
    .option('--chunker <name>', `chunker: ${CHUNKER_NAMES.join(', ')}`)
    .option('--chunk-size <n>', 'chunk size in tokens', intOption('--chunk-size', 16, 8192))
    .option('--chunk-overlap <n>', 'overlap in tokens', intOption('--chunk-overlap', 0, 4096))
    .option('--include <glob>', 'only files matching (repeatable)', collect)
    .option('--exclude <glob>', 'skip files matching (repeatable)', collect)
    .option('--prune', 'delete documents whose files are gone')
    .option('--reembed', 'build the configured embedder\'s index beside the old one, then switch')
    .option('--dry-run', 'show what would change without writing')
    .option('--json', 'print one JSON document')
    .action(async (paths: string[], flags) => {
      if (flags.chunker && !(CHUNKER_NAMES as readonly string[]).includes(flags.chunker)) {
        throw new UsageError(`--chunker must be one of ${CHUNKER_NAMES.join(', ')}, got "${flags.chunker}"`);
      }
      // Before opening the store, and naming the path as typed (the library names the absolute one).
      const missing = paths.find((path) => !existsSync(path));
      if (missing !== undefined) throw new InputError('path', `${missing} does not exist`, { path: missing });
      const gw = await context.open();
      limitHeapGrowth(gw.config.ingest.heapGrowthPercent); // this process is the batch job
      const { io } = context;
      try {
        for (const notice of gw.notices) io.stderr(`note: ${notice}\n`);
        const progress = createProgress(io, 'ingest', !flags.json || io.isTty, 'documents');
        const started = Date.now();
        const summary = await gw.ingest(paths, {
          tenant: flags.tenant,
          chunker: flags.chunker as ChunkerName | undefined,
          chunkSize: flags.chunkSize,
          chunkOverlap: flags.chunkOverlap,
          include: flags.include,
          exclude: flags.exclude,
          prune: flags.prune,
          reembed: flags.reembed,
          dryRun: flags.dryRun,
          onProgress: (p) => {
            const seconds = Math.max(0.001, (Date.now() - started) / 1000);
            progress.update({
              done: p.files,
              total: p.totalFiles,
              detail:
                `${formatCount(p.chunks)} chunks, ${formatCount(p.tokens)} tokens, ${(p.bytes / 1e6 / seconds).toFixed(2)} MB/s` +
                (p.embedded === undefined ? '' : `, ${formatCount(p.embedded)} embedded, ${(p.embedded / seconds).toFixed(1)} sentences/s`),
            });
          },
        });
        progress.stop();
        if (flags.json) {
          printJson(io, summary);
          return;
        }
        io.stdout(
          table(
            [
              { what: 'added', count: summary.documents.added },
              { what: 'updated', count: summary.documents.updated },
              { what: 'unchanged', count: summary.documents.unchanged },
              { what: 'deleted', count: summary.documents.deleted },
              { what: 'skipped', count: summary.documents.skipped },
              { what: 'chunks written', count: summary.chunks },
              { what: 'tokens', count: summary.tokens },
            ],
            ['what', 'count'],
          ),
        );
        for (const s of summary.skipped) io.stdout(`skipped ${s.path}: ${s.reason}\n`);
        for (const notice of summary.notices) io.stdout(`note: ${notice}\n`);
        if (summary.truncated > 0) io.stdout(`warning: ${summary.truncated} chunks were truncated by the embedder at its input limit\n`);
        io.stdout(`${summary.dryRun ? 'dry run: nothing written; ' : ''}done in ${(summary.durationMs / 1000).toFixed(1)} s\n`);
      } finally {
        await gw.close();
      }
    });
}
