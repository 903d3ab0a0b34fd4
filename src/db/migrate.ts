import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GroundworkError } from '../errors.js';
import type { Db } from './types.js';

/** The migrations shipped with the package (`<package root>/migrations`). */
export const DEFAULT_MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

const MIGRATION_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;
/** Any constant works; it only has to be the same in every process (serializes concurrent migrators). */
const MIGRATION_LOCK_KEY = 727_271_001;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

/** Reads NNNN_name.sql files in order. */
export function readMigrations(dir = DEFAULT_MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((name) => MIGRATION_NAME.test(name))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, checksum: sha256(sql) };
    });
}

/**
 * Applies pending migrations in order, each in its own transaction with its record, so a
 * failing one leaves the schema as it was. Refuses to run when an applied migration was edited.
 * A store that is current costs two reads (is there a record table, what does it hold): every CLI
 * command runs this, and a write (CREATE TABLE IF NOT EXISTS takes a lock and writes WAL) is wasted
 * there.
 */
export async function migrate(db: Db, migrations = readMigrations()): Promise<MigrateResult> {
  if ((await pendingMigrations(db, migrations)).length === 0) return { applied: [], alreadyApplied: migrations.map((m) => m.name) };
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  const applied = await appliedMigrations(db);
  checkEdited(migrations, applied);
  for (const migration of migrations) {
    if (applied.has(migration.name)) {
      result.alreadyApplied.push(migration.name);
      continue;
    }
    const ran = await db.transaction(async (tx) => {
      if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      // Another process may have applied it while we waited for the lock.
      const again = await tx.query<{ checksum: string }>('SELECT checksum FROM schema_migrations WHERE name = $1', [migration.name]);
      if (again.rows.length > 0) return false;
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        throw new GroundworkError('DATABASE', `migration ${migration.name} failed and was rolled back: ${(error as Error).message}`, { cause: error });
      }
      await tx.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [migration.name, migration.checksum]);
      return true;
    });
    (ran ? result.applied : result.alreadyApplied).push(migration.name);
  }
  return result;
}

/** Pending migration names, or throws when an applied one was edited (for /ready). */
export async function pendingMigrations(db: Db, migrations = readMigrations()): Promise<string[]> {
  const exists = await db.query<{ present: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
  if (!exists.rows[0]?.present) return migrations.map((m) => m.name);
  const applied = await appliedMigrations(db);
  checkEdited(migrations, applied);
  return migrations.filter((m) => !applied.has(m.name)).map((m) => m.name);
}

async function appliedMigrations(db: Db): Promise<Map<string, string>> {
  const rows = await db.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations');
  return new Map(rows.rows.map((row) => [row.name, row.checksum]));
}

function checkEdited(migrations: Migration[], applied: Map<string, string>): void {
  for (const migration of migrations) {
    const checksum = applied.get(migration.name);
    if (checksum !== undefined && checksum !== migration.checksum) {
      throw new GroundworkError(
        'DATABASE',
        `migration ${migration.name} was edited after it was applied (checksum ${checksum.slice(0, 12)} in the database, ` +
          `${migration.checksum.slice(0, 12)} on disk); refusing to start. Restore the file and add a new migration instead.`,
        { details: { migration: migration.name } },
      );
    }
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
