import type { Command } from 'commander';
import { serverOptionsSchema, type ServerOptionsInput } from '../../server/server-options.js';
import { startServer } from '../../server/start-server.js';
import type { CommandContext } from '../context.js';
import { intOption } from '../options.js';
import { printJson, UsageError } from '../output.js';

/** Test hook: resolves when the server should stop (default: SIGINT or SIGTERM). */
export interface ServeDeps {
  waitForStop?: () => Promise<void>;
}

const stopOnSignal = (): Promise<void> =>
  new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

/**
 * `groundwork serve [--port N] [--host H] [--no-auth] [--workers N]`: the HTTP service until
 * SIGINT/SIGTERM, then a graceful shutdown. Options come from the config's `server` section,
 * then the flags. Auth is on unless `--no-auth` (or `server.auth: false`). With the embedded
 * PGlite store (one process only) an ingestion worker runs inside the server.
 */
export function registerServe(program: Command, context: CommandContext, deps: ServeDeps = {}): void {
  program
    .command('serve')
    .description('run the HTTP service (Ctrl-C stops it gracefully)')
    .option('--port <n>', 'port (default 8787; 0 picks a free one)', intOption('--port', 0, 65_535))
    .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
    .option('--no-auth', 'serve without API keys (local use only: any caller may name any tenant)')
    .option('--workers <n>', 'ingestion workers inside the server process', intOption('--workers', 0, 16))
    .option('--json', 'print one JSON document when listening')
    .action(async (flags: { port?: number; host?: string; auth: boolean; workers?: number; json?: boolean }) => {
      const config = context.config();
      const fromConfig = (config as { server?: ServerOptionsInput }).server ?? {};
      const parsed = serverOptionsSchema.safeParse({
        ...fromConfig,
        ...(flags.port !== undefined ? { port: flags.port } : {}),
        ...(flags.host !== undefined ? { host: flags.host } : {}),
        ...(flags.auth === false ? { auth: false } : {}),
        ...(flags.workers !== undefined ? { inProcessWorkers: flags.workers } : {}),
      });
      if (!parsed.success) throw new UsageError(`server options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const options = parsed.data;
      const groundwork = await context.open();
      const notes = [...groundwork.notices];
      if (groundwork.db.kind === 'pglite' && options.inProcessWorkers === 0) {
        options.inProcessWorkers = 1;
        notes.push('the embedded database is single-process, so one ingestion worker runs inside the server (set DATABASE_URL to run `groundwork worker` processes)');
      }
      if (!options.auth) notes.push('auth is OFF: any caller may read and write any tenant. Use only on a trusted machine.');
      let running;
      try {
        running = await startServer({ groundwork, server: options });
      } catch (error) {
        await groundwork.close();
        throw error;
      }
      for (const note of notes) context.io.stderr(`note: ${note}\n`);
      if (flags.json) printJson(context.io, { url: running.url, auth: options.auth, inProcessWorkers: options.inProcessWorkers, database: groundwork.db.kind });
      else context.io.stderr(`groundwork serving on ${running.url} (auth ${options.auth ? 'on' : 'off'}); Ctrl-C to stop\n`);
      await (deps.waitForStop ?? stopOnSignal)();
      context.io.stderr('shutting down: finishing in-flight requests\n');
      await running.close();
    });
}
