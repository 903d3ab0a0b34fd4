import pg from 'pg';
import { GroundworkError } from '../errors.js';
import { beginStatements, type Db, type Queryable, type QueryOptions, type QueryResult } from './types.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export interface PgDbOptions {
  connectionString: string;
  /** Pool size; each process holds at most this many connections. */
  max?: number;
  connectTimeoutMs?: number;
}

/**
 * Opens a PostgreSQL server with pgvector through a node-postgres pool. bigint and numeric
 * come back as JS numbers (as on PGlite) so both drivers return the same shapes.
 */
export async function openPgDb(options: PgDbOptions): Promise<Db> {
  const url = safeUrl(options.connectionString);
  const types = {
    getTypeParser(oid: number, format?: string) {
      if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
      return pg.types.getTypeParser(oid, format as 'text');
    },
  };
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    types,
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use.
  });
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    const cause = (error as Error).message || (error as NodeJS.ErrnoException).code || String(error);
    throw new GroundworkError('DATABASE', `cannot connect to PostgreSQL at ${url}: ${cause}`, { details: { url }, cause: error });
  }
  const wrap = (target: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<T>> {
      const result = options?.name ? await target.query({ name: options.name, text: sql, values: params as unknown[] }) : await target.query(sql, params as unknown[]);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await target.query(sql);
    },
  });
  const base = wrap(pool);
  let closed = false;
  return {
    kind: 'postgres',
    location: url,
    query: base.query,
    exec: base.exec,
    async transaction(fn, options) {
      const client = await pool.connect();
      try {
        // BEGIN and the SET LOCALs in one simple-protocol round trip (no parameters involved).
        await client.query(beginStatements(options));
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** host:port/database without credentials, for messages. */
export function safeUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname || 'localhost'}:${url.port || 5432}${url.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
