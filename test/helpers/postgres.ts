import pg from 'pg';

/** The local PostgreSQL server used by tests (trust auth on these machines). */
export const TEST_PG_ADMIN_URL = process.env.GROUNDWORK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let reachable: Promise<boolean> | undefined;

/** True when the local PostgreSQL server answers. In CI it must answer: a missing server fails loudly there. */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch (error) {
      if (process.env.CI) throw new Error(`CI needs PostgreSQL at ${TEST_PG_ADMIN_URL}: ${(error as Error).message}`);
      return false;
    }
  })();
  return reachable;
}

/**
 * Creates a fresh, empty database for one test file and returns its URL. Names must be unique per
 * test file because files run in parallel.
 */
export async function freshTestDatabase(name: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad test database name ${name}`);
  const database = `gw_test_${name}`;
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}
