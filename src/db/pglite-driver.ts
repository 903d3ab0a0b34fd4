import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { GroundworkError } from '../errors.js';
import { PGLITE_TEMPLATE_FILE, readPgliteTemplate } from './pglite-template.js';
import { setLocalStatements, type Db, type Queryable, type QueryResult } from './types.js';

/** Marker file that says a data dir belongs to groundwork. */
export const DATA_DIR_MARKER = 'groundwork.json';
const LOCK_FILE = 'groundwork.lock';

/**
 * PostgreSQL's buffer pool in PGlite (default: DEFAULT_PGLITE_SHARED_BUFFERS). Emscripten's mmap
 * zero-fills what it maps, so the whole pool is resident from the start, used or not: PostgreSQL's
 * default of 128 MB made an idle store 300 MB of RSS, 185 MB with 16 MB. Pages outside the pool
 * come from the data dir through the OS page cache.
 */
export const DEFAULT_PGLITE_SHARED_BUFFERS = '32MB';

/**
 * bytea parameters travel as their bytes (binary format), as node-postgres sends a Buffer. PGlite's
 * own serializer renders them as hex through an array of one string per byte: ingest's statement
 * parameters (~1 MB a batch) spent more time there than PostgreSQL spent inserting the rows, and a
 * ~100 MB parameter failed with "Invalid array length".
 */
const BYTEA_OID = 17;
// Typed as returning text, but PGlite's Bind message sends an ArrayBuffer view as a binary-format
// value; a string (hex or escape form) still goes as text.
const BINARY_BYTEA = { [BYTEA_OID]: (value: Uint8Array | string) => value as string };

export interface PgliteDbOptions {
  /** Data directory; `memory://` (or undefined) for an in-memory database (tests). */
  dataDir?: string;
  /** shared_buffers, in PostgreSQL's units (`32MB`, `4096` 8 kB pages); default DEFAULT_PGLITE_SHARED_BUFFERS. */
  sharedBuffers?: string;
  /** A template data dir for fresh data dirs (default: PGLITE_TEMPLATE_FILE, made by `npm run build`). */
  template?: string;
}

const SHARED_BUFFERS = /^\d+(kB|MB|GB)?$/;
/**
 * WAL segment size of data dirs made from now on, in MB (initdb's --wal-segsize; PostgreSQL's
 * default is 16). A tiny store's one segment is then 1 MB on disk and in initdb's copy.
 */
const INITDB_WAL_SEGMENT_MB = 1;

/**
 * initdb's parameters for a new data dir. A new data dir is made by initdb in a second, in-memory
 * PGlite instance, then copied in as a tar: the same pool there (written to the new dir's
 * postgresql.conf too), and 1 MB WAL segments instead of 16 MB, which that copy holds twice.
 * Measured on a fresh dir: peak RSS 858/802 MB with PostgreSQL's defaults, 741/733 with the pool
 * alone, 661/655 with both. initdb scales the WAL size limits to the segment (64 MB, 5 MB): kept at
 * PostgreSQL's defaults instead, so that a large ingest checkpoints as often as it did.
 */
export function initdbParams(sharedBuffers: string = DEFAULT_PGLITE_SHARED_BUFFERS): string[] {
  return ['--set', `shared_buffers=${sharedBuffers}`, `--wal-segsize=${INITDB_WAL_SEGMENT_MB}`, '--set', 'max_wal_size=1GB', '--set', 'min_wal_size=80MB'];
}

/**
 * Opens the embedded PGlite database with pgvector. The data dir is single-process: a lock file
 * names the holder, and a second process gets a clear error instead of a corrupted store.
 */
export async function openPgliteDb(options: PgliteDbOptions = {}): Promise<Db> {
  const sharedBuffers = options.sharedBuffers ?? DEFAULT_PGLITE_SHARED_BUFFERS;
  if (!SHARED_BUFFERS.test(sharedBuffers)) throw new TypeError(`sharedBuffers must be a number of 8 kB pages or of kB, MB or GB, got ${JSON.stringify(sharedBuffers)}`);
  const inMemory = options.dataDir === undefined || options.dataDir.startsWith('memory://');
  let releaseLock = (): void => {};
  let dbDir: string | undefined;
  if (!inMemory) {
    const dataDir = resolve(options.dataDir!);
    claimDataDir(dataDir);
    releaseLock = takeLock(dataDir);
    dbDir = join(dataDir, 'db');
  }
  // A fresh data dir starts from the template that `npm run build` made, when there is one.
  const fresh = dbDir !== undefined && !existsSync(join(dbDir, 'PG_VERSION'));
  const loadDataDir = fresh ? readPgliteTemplate(options.template ?? PGLITE_TEMPLATE_FILE, initdbParams(sharedBuffers)) : undefined;
  let pg: PGlite;
  try {
    pg = await PGlite.create(dbDir, {
      extensions: { vector },
      serializers: BINARY_BYTEA,
      // On the command line, so it holds for data dirs made before this setting too.
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`],
      initDbStartParams: initdbParams(sharedBuffers),
      ...(loadDataDir ? { loadDataDir } : {}),
    });
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
