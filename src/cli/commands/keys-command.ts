import type { Command } from 'commander';
import { dbOptionsFromConfig, openDb } from '../../db/open-db.js';
import type { Db } from '../../db/types.js';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyInfo } from '../../server/api-keys.js';
import type { CommandContext } from '../context.js';
import { printJson, table, UsageError } from '../output.js';

const keyJson = (key: ApiKeyInfo) => ({
  id: key.id,
  tenant: key.tenant,
  prefix: key.prefix,
  name: key.name,
  createdAt: key.createdAt.toISOString(),
  revokedAt: key.revokedAt ? key.revokedAt.toISOString() : null,
});

/**
 * `groundwork keys create --tenant T | list | revoke <id>`: API keys of the HTTP service. The
 * secret is printed once, at creation; only its sha256 is stored.
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

  keys
    .command('create')
    .description('create a key for a tenant; prints the secret once')
    .requiredOption('--tenant <tenant>', 'the tenant this key may act on')
    .option('--name <name>', 'a label to tell keys apart')
    .option('--json', 'print one JSON document')
    .action(async (flags: { tenant: string; name?: string; json?: boolean }) => {
      const created = await withDb((db) => createApiKey(db, flags.tenant, { name: flags.name }));
      if (flags.json) {
        printJson(context.io, { ...keyJson(created), secret: created.secret });
        return;
      }
      context.io.stdout(`${created.secret}\n`);
      context.io.stderr(`created key ${created.id} for tenant ${created.tenant}. This is the only time the secret is shown: store it now.\n`);
    });

  keys
    .command('list')
    .description('list keys (never their secrets)')
    .option('--tenant <tenant>', 'only this tenant')
    .option('--json', 'print one JSON document')
    .action(async (flags: { tenant?: string; json?: boolean }) => {
      const listed = await withDb((db) => listApiKeys(db, { tenant: flags.tenant }));
      if (flags.json) printJson(context.io, { keys: listed.map(keyJson) });
      else context.io.stdout(table(listed.map((k) => ({ ...keyJson(k), revokedAt: keyJson(k).revokedAt ?? '' })), ['id', 'tenant', 'prefix', 'name', 'createdAt', 'revokedAt']));
    });

  keys
    .command('revoke')
    .description('revoke a key; it stops working on the next request')
    .argument('<id>', 'key id (from keys list)')
    .option('--json', 'print one JSON document')
    .action(async (rawId: string, flags: { json?: boolean }) => {
      const id = Number(rawId);
      if (!/^\d+$/.test(rawId) || !Number.isSafeInteger(id) || id <= 0) throw new UsageError(`<id> must be a key id (a positive integer), got "${rawId}"`);
      const revoked = await withDb((db) => revokeApiKey(db, id));
      if (flags.json) printJson(context.io, keyJson(revoked));
      else context.io.stdout(`revoked key ${revoked.id} (${revoked.prefix}..., tenant ${revoked.tenant})\n`);
    });
}
