import type { Command } from 'commander';
import { dbOptionsFromConfig, openDb } from '../../db/open-db.js';
import type { Db } from '../../db/types.js';
import { GroundworkError } from '../../errors.js';
import { apiKeyJson, createApiKey, listApiKeys, revokeApiKey } from '../../server/api-keys.js';
import { DEFAULT_HOST, DEFAULT_PORT, type ServerOptionsInput } from '../../server/server-options.js';
import type { CommandContext } from '../context.js';
import { printJson, table, UsageError } from '../output.js';
import { tenantOption } from '../options.js';
import { ADMIN_KEY_ENV, createServerKeysClient, SERVER_URL_ENV, type ServerKeysClient } from '../server-keys-client.js';

const keyJson = apiKeyJson;

/** Flags every keys subcommand takes to go through a running server. */
interface ServerFlags {
  server?: string;
  adminKey?: string;
  json?: boolean;
}

/** The embedded database's lock error: its data dir is held by another process (a running `serve`). */
function isDataDirLocked(error: unknown): error is GroundworkError {
  return error instanceof GroundworkError && error.code === 'UNAVAILABLE' && typeof error.details?.pid === 'number';
}

/**
 * `groundwork keys create --tenant T [--admin] | list | revoke <id>`: API keys of the HTTP service.
 * The secret is printed once, at creation; only its sha256 is stored. The keys live in the
 * database; while `groundwork serve` holds the embedded one, the commands go through the
 * server's `/v1/keys` routes with an admin key: `--server URL --admin-key KEY`, or the
 * GROUNDWORK_SERVER_URL and GROUNDWORK_ADMIN_KEY environment variables. `--server` always goes
 * through the server (any database); the variables are used when the database is held.
 */
export function registerKeys(program: Command, context: CommandContext): void {
  const keys = program.command('keys').description('API keys for the HTTP service (stored hashed)');
  const withDb = async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
    const db = await openDb(dbOptionsFromConfig(context.config()));
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };
  /** Where `serve` listens by this config, for the example in the lock error. */
  const configuredServerUrl = (): string => {
    const server = (context.config() as { server?: ServerOptionsInput }).server ?? {};
    const host = !server.host || server.host === '0.0.0.0' || server.host === '::' ? DEFAULT_HOST : server.host;
    return `http://${host.includes(':') ? `[${host}]` : host}:${server.port || DEFAULT_PORT}`;
  };
  /** Runs on the database, or through the server (see registerKeys); `command` is the line to show in the lock error. */
  const run = async <T>(flags: ServerFlags, command: string, onDb: (db: Db) => Promise<T>, onServer: (client: ServerKeysClient) => Promise<T>): Promise<T> => {
    const adminKey = flags.adminKey ?? context.env[ADMIN_KEY_ENV];
    if (flags.server !== undefined) {
      if (!adminKey) throw new UsageError(`--server needs an admin key: --admin-key KEY or ${ADMIN_KEY_ENV}`);
      return onServer(createServerKeysClient(flags.server, adminKey));
    }
    try {
      return await withDb(onDb);
    } catch (error) {
      if (!isDataDirLocked(error)) throw error;
      const url = context.env[SERVER_URL_ENV];
      if (url && adminKey) return onServer(createServerKeysClient(url, adminKey));
      const { dataDir, pid } = error.details as { dataDir?: string; pid: number };
      throw new GroundworkError(
        'UNAVAILABLE',
        `the embedded database${dataDir ? ` at ${dataDir}` : ''} is in use by process ${pid} (a running \`groundwork serve\`?), so keys cannot be managed on it directly. ` +
          `Go through the server with an admin key:\n  groundwork ${command} --server ${url ?? configuredServerUrl()} --admin-key <admin key>\n` +
          `or set ${SERVER_URL_ENV} and ${ADMIN_KEY_ENV} and run \`groundwork ${command}\` again. ` +
          'The first admin key is the one `groundwork serve` printed on its first start; otherwise stop the server and run `groundwork keys create --tenant T --admin`.',
        { details: { ...error.details }, cause: error },
      );
    }
  };
  const serverOptions = (command: Command): Command =>
    command
      .option('--server <url>', `go through this running server's /v1/keys (default with the database in use: $${SERVER_URL_ENV})`)
      .option('--admin-key <key>', `an admin key for --server (default: $${ADMIN_KEY_ENV}; the variable keeps it out of shell history)`)
      .option('--json', 'print one JSON document');

  serverOptions(
    keys
      .command('create')
      .description('create a key for a tenant; prints the secret once')
      .requiredOption('--tenant <tenant>', 'the tenant this key may act on', tenantOption)
      .option('--name <name>', 'a label to tell keys apart')
      .option('--admin', 'an admin key: may also create, list and revoke keys over HTTP'),
  ).action(async (flags: ServerFlags & { tenant: string; name?: string; admin?: boolean }) => {
    const options = { name: flags.name, admin: flags.admin ?? false };
    const created = await run(
      flags,
      `keys create --tenant ${flags.tenant}${flags.admin ? ' --admin' : ''}`,
      (db) => createApiKey(db, flags.tenant, options),
      (client) => client.create(flags.tenant, options),
    );
    if (flags.json) {
      printJson(context.io, { ...keyJson(created), secret: created.secret });
      return;
    }
    context.io.stdout(`${created.secret}\n`);
    context.io.stderr(`created ${created.admin ? 'admin ' : ''}key ${created.id} for tenant ${created.tenant}. This is the only time the secret is shown: store it now.\n`);
  });

  serverOptions(keys.command('list').description('list keys (never their secrets)').option('--tenant <tenant>', 'only this tenant', tenantOption)).action(
    async (flags: ServerFlags & { tenant?: string }) => {
      const listed = await run(
        flags,
        'keys list',
        (db) => listApiKeys(db, { tenant: flags.tenant }),
        (client) => client.list({ tenant: flags.tenant }),
      );
      if (flags.json) printJson(context.io, { keys: listed.map(keyJson) });
      else context.io.stdout(table(listed.map((k) => ({ ...keyJson(k), admin: k.admin ? 'yes' : '', revokedAt: keyJson(k).revokedAt ?? '' })), ['id', 'tenant', 'prefix', 'name', 'admin', 'createdAt', 'revokedAt']));
    },
  );

  serverOptions(keys.command('revoke').description('revoke a key; it stops working on the next request').argument('<id>', 'key id (from keys list)')).action(
    async (rawId: string, flags: ServerFlags) => {
      const id = Number(rawId);
      if (!/^\d+$/.test(rawId) || !Number.isSafeInteger(id) || id <= 0) throw new UsageError(`<id> must be a key id (a positive integer), got "${rawId}"`);
      const revoked = await run(
        flags,
        `keys revoke ${id}`,
        (db) => revokeApiKey(db, id),
        (client) => client.revoke(id),
      );
      if (flags.json) printJson(context.io, keyJson(revoked));
      else context.io.stdout(`revoked key ${revoked.id} (${revoked.prefix}..., tenant ${revoked.tenant})\n`);
    },
  );
}
