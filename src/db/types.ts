/**
 * The one storage interface. Two drivers run the same SQL: PGlite (embedded, the default) and
 * node-postgres against a PostgreSQL server with pgvector (DATABASE_URL). Keep SQL to what
 * PostgreSQL 15 supports. Parameters are always `$1, $2, ...`; never build SQL from user text.
 *
 * Type notes that hold on both drivers: cast bigint/numeric results in SQL (`count(*)::int`,
 * `::float8`) so both return JS numbers; pass vectors as vectorParam() gives them (binary on
 * node-postgres, text `'[1,2,3]'` on PGlite) to a placeholder cast with `::vector` where it first
 * appears; jsonb comes back parsed; timestamptz comes back as Date.
 */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * Prepare the statement under this name once per connection and reuse it: parsing (and, once
   * PostgreSQL settles on a generic plan, planning) is skipped on later runs. Only for constant SQL
   * text on hot paths; one name, one text. PGlite runs the statement unnamed.
   */
  name?: string;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<T>>;
  /** Runs several statements with no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Where the data lives, for messages: a directory or host:port/database. */
  readonly location: string;
  /**
   * Runs fn in one transaction: commit when it resolves, roll back when it throws. `settings` are
   * SET LOCAL for this transaction only, sent with BEGIN in the same round trip.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

export interface TransactionOptions {
  /** Per-transaction settings (SET LOCAL): names and values of letters, digits, `_`, `.` and `-` only. */
  settings?: Record<string, string | number>;
  /**
   * A read-only transaction whose statements all see one snapshot (REPEATABLE READ, READ ONLY):
   * for reads made of several statements that must agree, like BM25's statistics and postings.
   */
  snapshot?: boolean;
}

/** The statements that open a transaction with these options, sent together in one round trip. */
export function beginStatements(options?: TransactionOptions): string {
  const begin = options?.snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY' : 'BEGIN';
  const settings = options?.settings && Object.keys(options.settings).length > 0 ? `; ${setLocalStatements(options.settings)}` : '';
  return `${begin}${settings}`;
}

const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const SETTING_VALUE = /^[A-Za-z0-9_.-]+$/;

/**
 * `SET LOCAL` statements for settings, validated so they can be sent inline (SET takes no
 * parameters): anything outside the allowed characters is refused, never quoted.
 */
export function setLocalStatements(settings: Record<string, string | number>): string {
  return Object.entries(settings)
    .map(([name, value]) => {
      const text = String(value);
      assertSettingName(name);
      if (!SETTING_VALUE.test(text)) throw new TypeError(`setting ${name}: value ${JSON.stringify(text)} has characters other than letters, digits, _ . -`);
      return `SET LOCAL ${name} = '${text}'`;
    })
    .join('; ');
}

function assertSettingName(name: string): void {
  if (!SETTING_NAME.test(name)) throw new TypeError(`setting name ${JSON.stringify(name)} is not a plain identifier`);
}

/**
 * A WHERE condition that sets `names` (constants from code) to the parameters `$first`, `$first+1`, ...
 * for the rest of this statement, with no transaction and no extra round trip. The condition has no
 * column references, so PostgreSQL runs it once as an InitPlan in a gating Result node (EXPLAIN:
 * "One-Time Filter") before the scan under it fetches its first row. That is early enough for
 * settings read at execution: pgvector reads hnsw.ef_search and hnsw.iterative_scan on the first
 * hnswgettuple, and synchronous_commit is read at commit. Not for planner settings (planning comes
 * first). set_config(..., true) lasts until the end of the transaction: outside an explicit one,
 * that is this statement.
 */
export function statementSettings(names: string[], first: number): string {
  for (const name of names) assertSettingName(name);
  return `(SELECT ${names.map((name, i) => `set_config('${name}', $${first + i}::text, true)`).join(' || ')}) IS NOT NULL`;
}
