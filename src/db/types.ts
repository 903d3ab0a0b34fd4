/**
 * The one storage interface. Two drivers run the same SQL: PGlite (embedded, the default) and
 * node-postgres against a PostgreSQL server with pgvector (DATABASE_URL). Keep SQL to what
 * PostgreSQL 15 supports. Parameters are always `$1, $2, ...`; never build SQL from user text.
 *
 * Type notes that hold on both drivers: cast bigint/numeric results in SQL (`count(*)::int`,
 * `::float8`) so both return JS numbers; pass vectors as text (`'[1,2,3]'`) cast with `::vector`;
 * jsonb comes back parsed; timestamptz comes back as Date.
 */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Runs several statements with no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Where the data lives, for messages: a directory or host:port/database. */
  readonly location: string;
  /** Runs fn in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
