import type { Command } from 'commander';
import { limitHeapGrowth } from '../../ingest/heap-growth.js';
import { runIngestWorker } from '../../server/ingest-worker.js';
import type { CommandContext } from '../context.js';
import { intOption } from '../options.js';
import { printJson } from '../output.js';

/**
 * `groundwork worker [--once] [--poll-ms N]`: drains the ingestion job queue (large uploads to
 * `POST /v1/documents`). Run any number of them against one PostgreSQL (DATABASE_URL); jobs are
 * claimed with FOR UPDATE SKIP LOCKED, so no two workers take the same job. Stops on SIGINT/SIGTERM
 * after the job in hand, or with `--once` when the queue is empty.
 */
export function registerWorker(program: Command, context: CommandContext): void {
  program
    .command('worker')
    .description('drain the ingestion job queue')
    .option('--once', 'exit when the queue is empty')
    .option('--poll-ms <n>', 'how often an idle worker checks for jobs', intOption('--poll-ms', 10, 600_000))
    .option('--json', 'print one JSON document (the jobs done and failed) when it stops')
    .action(async (flags: { once?: boolean; pollMs?: number; json?: boolean }) => {
      const groundwork = await context.open();
      limitHeapGrowth(groundwork.config.ingest.heapGrowthPercent); // this process runs ingest jobs
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const summary = await runIngestWorker({
          groundwork,
          once: flags.once,
          pollMs: flags.pollMs,
          signal: stop.signal,
          onJob: ({ job, status, error }) => {
            context.io.stderr(`${JSON.stringify({ time: new Date().toISOString(), msg: 'job', id: job.id, tenant: job.tenant, status, attempt: job.attempts, ...(error ? { error } : {}) })}\n`);
          },
        });
        if (flags.json) printJson(context.io, summary);
        else context.io.stderr(`worker ${summary.workerId}: ${summary.done.length} done, ${summary.failed.length} failed\n`);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await groundwork.close();
      }
    });
}
