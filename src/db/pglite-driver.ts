import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { GroundworkError } from '../errors.js';
import { setLocalStatements, type Db, type Queryable, type QueryResult } from './types.js';

/** Marker file that says a data dir belongs to groundwork. */
export const DATA_DIR_MARKER = 'groundwork.json';
const LOCK_FILE = 'groundwork.lock';

export interface PgliteDbOptions {
  /** Data directory; `memory://` (or undefined) for an in-memory database (tests). */
  dataDir?: string;
}

/**
 * Opens the embedded PGlite database with pgvector. The data dir is single-process: a lock file
 * names the holder, and a second process gets a clear error instead of a corrupted store.
 */
export async function openPgliteDb(options: PgliteDbOptions = {}): Promise<Db> {
  const inMemory = options.dataDir === undefined || options.dataDir.startsWith('memory://');
  let releaseLock = (): void => {};
  let dbDir: string | undefined;
  if (!inMemory) {
    const dataDir = resolve(options.dataDir!);
    claimDataDir(dataDir);
    releaseLock = takeLock(dataDir);
    dbDir = join(dataDir, 'db');
  }
  let pg: PGlite;
  try {
    pg = await PGlite.create(dbDir, { extensions: { vector } });
  } catch (error) {
    releaseLock();
    throw new GroundworkError('DATABASE', `cannot open the embedded database at ${dbDir}: ${(error as Error).message}`, { cause: error });
  }
  const location = inMemory ? 'memory' : resolve(options.dataDir!);
  const wrap = (target: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      const result = await target.query<T>(sql, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
  });
  const base = wrap(pg);
  let closed = false;
  return {
    kind: 'pglite',
    location,
    query: base.query,
    exec: base.exec,
    transaction: (fn, options) =>
      pg.transaction(async (tx) => {
        // PGlite opened the transaction; its isolation level can still be set before any query.
        if (options?.snapshot) await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        if (options?.settings && Object.keys(options.settings).length > 0) await tx.exec(setLocalStatements(options.settings));
        return fn(wrap(tx));
      }),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await pg.close();
      } finally {
        releaseLock();
      }
    },
  };
}

/** Refuses a non-empty directory that is not a groundwork data dir, rather than overwriting it. */
function claimDataDir(dataDir: string): void {
  const marker = join(dataDir, DATA_DIR_MARKER);
  if (existsSync(dataDir)) {
    if (existsSync(marker)) return;
    const entries = readdirSync(dataDir).filter((name) => name !== 'models');
    if (entries.length > 0) {
      throw new GroundworkError(
        'CONFIG',
        `${dataDir} is not a groundwork data directory (no ${DATA_DIR_MARKER}) and is not empty; refusing to overwrite it. ` +
          'Point GROUNDWORK_DATA_DIR at an empty or groundwork directory.',
        { details: { dataDir } },
      );
    }
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(marker, JSON.stringify({ kind: 'groundwork-data-dir', createdAt: new Date().toISOString() }, null, 2) + '\n');
}

/** One process at a time: PGlite's data dir must not be opened twice. */
function takeLock(dataDir: string): () => void {
  const lockPath = join(dataDir, LOCK_FILE);
  const mine = JSON.stringify({ pid: process.pid, host: process.env.HOSTNAME ?? '', since: new Date().toISOString(), argv: process.argv.slice(1, 4).join(' ') });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(lockPath, mine, { flag: 'wx' });
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: { pid?: number; since?: string; argv?: string } = {};
      try {
        holder = JSON.parse(readFileSync(lockPath, 'utf8')) as typeof holder;
      } catch {
        // A half-written lock file: treat as stale below.
      }
      if (holder.pid && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new GroundworkError(
          'UNAVAILABLE',
          `the embedded database at ${dataDir} is in use by process ${holder.pid} (${holder.argv ?? 'unknown command'}, since ${holder.since ?? '?'}). ` +
            'PGlite allows one process at a time: use that process (e.g. the running server\'s HTTP API), stop it, ' +
            'or set DATABASE_URL to a PostgreSQL server that many processes can share.',
          { details: { dataDir, pid: holder.pid } },
        );
      }
      rmSync(lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new GroundworkError('UNAVAILABLE', `cannot take the lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
