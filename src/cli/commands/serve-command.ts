import type { Command } from 'commander';
import { bootstrapAdminKey, type CreatedApiKey } from '../../server/api-keys.js';
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

/** What `serve` prints (to stderr, this once) about the admin key it created on its first start. */
export function bootstrapMessage(key: CreatedApiKey, url: string): string {
  return [
    `First start with auth on and no API key: created admin key ${key.id} for tenant "${key.tenant}".`,
    'It is shown only this once (the store keeps its hash): save it now.',
    '',
    `  ${key.secret}`,
    '',
    `Send it with every /v1 request:  curl -H "Authorization: Bearer ${key.secret}" ${url}/v1/documents`,
    'As an admin key it also creates, lists and revokes keys (POST/GET/DELETE /v1/keys), for any tenant; from the CLI while this server runs:',
    `  GROUNDWORK_SERVER_URL=${url} GROUNDWORK_ADMIN_KEY=<this key> groundwork keys create --tenant T`,
    '',
  ].join('\n');
}

/**
 * `groundwork serve [--port N] [--host H] [--no-auth] [--workers N]`: the HTTP service until
 * SIGINT/SIGTERM, then a graceful shutdown. Options come from the config's `server` section,
 * then the flags. Auth is on unless `--no-auth` (or `server.auth: false`). With the embedded
 * PGlite store (one process only) an ingestion worker runs inside the server. On the first start
 * with auth on and no active key, it creates an admin key and prints it once to stderr.
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
      // First start with auth on and no key yet: without this key nobody could call the server,
      // and `keys create` cannot open the embedded database while it runs.
      let bootstrap: CreatedApiKey | undefined;
      try {
        bootstrap = options.auth ? await bootstrapAdminKey(groundwork.db, config.tenant) : undefined;
      } catch (error) {
        await running.close();
        throw error;
      }
      for (const note of notes) context.io.stderr(`note: ${note}\n`);
      if (bootstrap) context.io.stderr(bootstrapMessage(bootstrap, running.url));
      if (flags.json) printJson(context.io, { url: running.url, auth: options.auth, inProcessWorkers: options.inProcessWorkers, database: groundwork.db.kind });
      else context.io.stderr(`groundwork serving on ${running.url} (auth ${options.auth ? 'on' : 'off'}); Ctrl-C to stop\n`);
      await (deps.waitForStop ?? stopOnSignal)();
      context.io.stderr('shutting down: finishing in-flight requests\n');
      await running.close();
    });
}
