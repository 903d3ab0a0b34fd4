import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { migrate } from './migrate.js';
import type { Db } from './types.js';

export interface OpenDbOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  databaseUrl?: string;
  /** Data dir for PGlite; `memory://` for an in-memory database. */
  dataDir?: string;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
}

/**
 * Opens the configured store (PostgreSQL when databaseUrl is set, else PGlite) and migrates it.
 * Only the chosen driver is imported: a server deployment never loads PGlite's WebAssembly build,
 * and the embedded default never loads node-postgres.
 */
export async function openDb(options: OpenDbOptions): Promise<Db> {
  const db = options.databaseUrl
    ? await (await import('./pg-driver.js')).openPgDb({ connectionString: options.databaseUrl })
    : await (await import('./pglite-driver.js')).openPgliteDb({ dataDir: options.dataDir });
  if (options.migrate !== false) {
    try {
      await migrate(db);
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  return db;
}

/** openDb options from a resolved config. */
export function dbOptionsFromConfig(config: Pick<Config, 'databaseUrl' | 'dataDir'>): OpenDbOptions {
  return { databaseUrl: config.databaseUrl, dataDir: config.dataDir.startsWith('memory://') ? config.dataDir : resolve(config.dataDir) };
}

/** Where local models live for a config. */
export function modelsDirFromConfig(config: Pick<Config, 'modelsDir' | 'dataDir'>): string {
  return resolve(config.modelsDir ?? join(config.dataDir, 'models'));
}
